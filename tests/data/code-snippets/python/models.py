"""Loading models and datasets from a hub."""

from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, pipeline


def load(name, revision):
    model = AutoModelForCausalLM.from_pretrained(name, trust_remote_code=True)  # expect: python.trust-remote-code
    tokenizer = AutoTokenizer.from_pretrained(name, trust_remote_code=True)  # expect: python.trust-remote-code
    data = load_dataset("org/data", trust_remote_code=True)  # expect: python.trust-remote-code
    generator = pipeline("text-generation", model=name, trust_remote_code=True)  # expect: python.trust-remote-code
    plain = AutoModelForCausalLM.from_pretrained(name)  # expect: negative
    pinned = AutoModelForCausalLM.from_pretrained(name, revision=revision, trust_remote_code=False)  # expect: negative
    return model, tokenizer, data, generator, plain, pinned
