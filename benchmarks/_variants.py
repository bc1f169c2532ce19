"""Sample variants for the benchmarks: the shipped proposal with varied data."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "samples" / "proposal-lodestar.yaml"
COUNTRIES = ["VN", "ID", "PH", "MY", "TH", "SG", "IN", "BR", "MX", "CL", "KE", "NG", "EG",
             "SA", "AE", "PL", "RO", "GR", "PT", "ES", "IT", "DE", "FR", "JP", "AU", "NZ",
             "CA", "CO", "PE", "AR", "ZA", "MA", "TR", "KZ", "UZ", "MN", "BD", "LK", "PK",
             "NP"]


def load_sample() -> Any:
    yaml = YAML(typ="rt", pure=True)
    return yaml.load(PROPOSAL.read_text("utf-8"))


def dump(data: Any) -> str:
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def variant(base: Any, index: int) -> Any:
    """The sample with a different title, amounts and member names."""
    data = copy.deepcopy(base)
    data["title"]["en"] = f"{data['title']['en']} — variant {index}"
    data["title"]["ko"] = f"{data['title']['ko']} — 변형 {index}"
    for n, item in enumerate(data["federal_support"]):
        if "amount" in item:
            item["amount"]["amount"] = 1_000_000 * (index + 1) * (n + 1)
    for member in data["consortium"]["members"]:
        member["name"]["en"] = f"{member['name']['en']} {index}"
    return data


def scaled(base: Any, members: int, targets: int) -> Any:
    """The sample with `members` consortium members and `targets` target countries."""
    data = copy.deepcopy(base)
    template = data["consortium"]["members"][1]
    extra = []
    for n in range(max(0, members - len(data["consortium"]["members"]))):
        member = copy.deepcopy(template)
        member["id"] = f"member-{n}"
        member["name"] = {"en": f"Member Company {n}, Inc.", "ko": f"참여기업 {n}"}
        extra.append(member)
    data["consortium"]["members"].extend(extra)
    data["stack"]["hardware"]["providers"].extend(m["id"] for m in extra)
    target = data["targets"][0]
    data["targets"] = []
    for n in range(targets):
        item = copy.deepcopy(target)
        item["country"] = COUNTRIES[n % len(COUNTRIES)]
        item["rationale"] = {"en": f"Market {n}: demand for sovereign AI.",
                             "ko": f"시장 {n}: 소버린 AI 수요가 큽니다."}
        data["targets"].append(item)
    return data


def write(data: Any, path: Path) -> Path:
    path.write_text(dump(data), "utf-8")
    return path
