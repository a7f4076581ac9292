"""Secrets: rules as data, one prefilter pass over the bytes, masked findings."""

from scans.engine.secrets.rules import BUILTIN_RULES, Rule, RuleError, load_rules
from scans.engine.secrets.scanner import SecretScanner

__all__ = ["BUILTIN_RULES", "Rule", "RuleError", "SecretScanner", "load_rules"]
