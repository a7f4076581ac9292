"""all-MiniLM-L6-v2's forward pass in numpy: what the static model is distilled from, and the "full
MiniLM" option the benchmark compares it with. No torch: the model is six small layers, and numpy's
matrix products on two cores run it fast enough for distilling once and for a labelled set."""

import math
from pathlib import Path

import numpy as np

HEADS = 12
EPSILON = 1e-12


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz and Stegun 7.1.26 (error below 1.5e-7): numpy has no erf, and BERT's GELU is the exact one.
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPSILON) * weight + bias


class MiniLM:
    """The encoder's weights as numpy arrays, read from the package's model.safetensors."""

    def __init__(self, weights_path: Path) -> None:
        from safetensors.numpy import load_file  # only the build script and the benchmark read the full model

        self.w = {name: value.astype(np.float32) for name, value in load_file(str(weights_path)).items()}
        self.transposed: dict[str, np.ndarray] = {}
        self.layers = 1 + max(int(name.split(".")[2]) for name in self.w if name.startswith("encoder.layer."))

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        # As one 2-D product with a C-ordered weight: numpy's batched product over a transposed view
        # bypasses BLAS and ran twenty times slower.
        weight = self.transposed.get(name)
        if weight is None:
            weight = self.transposed[name] = np.ascontiguousarray(self.w[f"{name}.weight"].T)
        flat = x.reshape(-1, x.shape[-1]) @ weight + self.w[f"{name}.bias"]
        return flat.reshape(*x.shape[:-1], weight.shape[1])

    def hidden_states(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The last layer's token states, (batch, length, 384), for token ids padded with `mask` 0."""
        w = self.w
        batch, length = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids]
        x = x + w["embeddings.position_embeddings.weight"][:length] + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        width = x.shape[-1]
        head = width // HEADS
        blocked = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
        for index in range(self.layers):
            prefix = f"encoder.layer.{index}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(batch, length, HEADS, head).transpose(0, 2, 1, 3)

            q = split(self._linear(x, f"{prefix}.attention.self.query"))
            k = split(self._linear(x, f"{prefix}.attention.self.key"))
            v = split(self._linear(x, f"{prefix}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(head) + blocked
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
            attended = self._linear(context, f"{prefix}.attention.output.dense")
            x = _layer_norm(
                x + attended,
                w[f"{prefix}.attention.output.LayerNorm.weight"],
                w[f"{prefix}.attention.output.LayerNorm.bias"],
            )
            inner = _gelu(self._linear(x, f"{prefix}.intermediate.dense"))
            x = _layer_norm(
                x + self._linear(inner, f"{prefix}.output.dense"),
                w[f"{prefix}.output.LayerNorm.weight"],
                w[f"{prefix}.output.LayerNorm.bias"],
            )
        return x

    def mean_pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Sentence vectors as sentence-transformers makes them: the mean of the unmasked token states."""
        states = self.hidden_states(ids, mask)
        weights = mask[:, :, None].astype(np.float32)
        return (states * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
