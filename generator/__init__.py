"""propgen: bilingual American AI Exports Program documents from one YAML file."""

__version__ = "0.1.0"
