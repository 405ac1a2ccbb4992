"""Write an ONNX graph that scores a query against an item matrix (for bench/inference.ts).

`python bench/scoring_graph.py ITEMS.int8 OUT.onnx`: the int8 codes become a constant,
dequantised in the graph (DequantizeLinear with per-row scales), then one MatMul:
scores[1, rows] = query[1, dims] @ items^T. Measures onnxruntime-web's MatMul against the
worker's typed-array loop on the same bytes.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main() -> int:
    items, out = Path(sys.argv[1]), Path(sys.argv[2])
    blob = items.read_bytes()
    _, rows, dims = struct.unpack("<III", blob[4:16])
    scales = np.frombuffer(blob[16 : 16 + 4 * rows], dtype="<f4")
    codes = np.frombuffer(blob[16 + 4 * rows :], dtype=np.int8).reshape(rows, dims)
    graph = helper.make_graph(
        [
            helper.make_node("DequantizeLinear", ["codes_t", "scales", "zero"], ["items_t"], axis=1),
            helper.make_node("MatMul", ["query", "items_t"], ["scores"]),
        ],
        "privet_scoring",
        [helper.make_tensor_value_info("query", TensorProto.FLOAT, [1, dims])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, rows])],
        [
            numpy_helper.from_array(np.ascontiguousarray(codes.T), "codes_t"),
            numpy_helper.from_array(scales.astype(np.float32), "scales"),
            numpy_helper.from_array(np.zeros(rows, dtype=np.int8), "zero"),
        ],
    )
    # IR version 8 (opset 17 era): onnxruntime-web 1.30 reads at most 13.
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model)
    out.write_bytes(model.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main())
