"""The encoder exactly as the browser runs it: BERT, mean pooling and L2 norm in one graph.

Putting pooling and normalisation inside the ONNX graph means every runtime (onnxruntime
in Python, Node and the browser) returns finished sentence embeddings and none of them
re-implements that maths.
"""

from __future__ import annotations

import torch
from torch import nn


class PooledEncoder(nn.Module):
    """input_ids, attention_mask (int64, [batch, seq]) -> L2-normalised embeddings [batch, dims]."""

    def __init__(self, transformer: nn.Module) -> None:
        super().__init__()
        self.transformer = transformer

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        token_type_ids = torch.zeros_like(input_ids)
        hidden = self.transformer(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        summed = (hidden * mask).sum(dim=1)
        # An all-padding row (never produced by our tokenizer, which always adds [CLS] and
        # [SEP]) would divide by zero; the clamp mirrors sentence-transformers' pooling.
        counts = mask.sum(dim=1).clamp(min=1e-9)
        pooled = summed / counts
        return nn.functional.normalize(pooled, p=2.0, dim=1, eps=1e-12)
