#!/usr/bin/env bash
# Re-extract messages from the code and the DOCX templates, and merge them into every
# catalog (new messages arrive untranslated; tests/test_catalogs.py then says which).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(python -c 'import generator; print(generator.__version__)')
python -m babel.messages.frontend extract -F babel.cfg -k N_ -k _ --no-location --sort-output \
    --project propgen --version "$version" --copyright-holder "the propgen authors" \
    -o locales/propgen.pot .
python -m babel.messages.frontend update -i locales/propgen.pot -d locales -D propgen --no-fuzzy-matching --ignore-obsolete
