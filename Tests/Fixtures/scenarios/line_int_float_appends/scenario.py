"""Integer vs float values: numpy int arrays stay integers, int X with float Y becomes floats (column_stack), float32/float16 values as their float64 expansions, uint8/int32/bool data, int64 extremes, -0.0, subnormals and the largest double; appends mixing integers and floats in one list."""
import os
import sys

import numpy as np
import visdom

LOG = sys.argv[1] if len(sys.argv) > 1 else "log.jsonl"
if os.path.exists(LOG):
    os.remove(LOG)
vis = visdom.Visdom(offline=True, log_to_filename=LOG, use_incoming_socket=False)

vis.line(Y=np.array([1, 2, 3]), X=np.array([0, 1, 2]), win="ints")
vis.line(Y=np.array([4, 5]), X=np.array([3, 4]), win="ints", update="append")
vis.line(Y=np.array([6.0, 7.5]), X=np.array([5, 6]), win="ints", update="append")
vis.line(Y=np.array([8], dtype=np.int32), X=np.array([7], dtype=np.uint8), win="ints",
         update="append")
vis.line(Y=np.array([True, False]), X=np.array([8, 9]), win="ints", update="append")

vis.line(Y=np.array([0.1, 2.55], dtype=np.float32), X=np.array([0, 1]), win="f32")
vis.line(Y=np.array([0.1], dtype=np.float16), X=np.array([2]), win="f32", update="append")
vis.line(Y=np.array([0.1]), X=np.array([3], dtype=np.float32), win="f32", update="append")

vis.line(Y=np.array([2**53 + 1, 2**63 - 1, -2**63]), X=np.array([0, 1, 2]), win="int64")
vis.line(Y=np.array([-0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e-7, 123456789.125]),
         X=np.array([-0.0, 1.0, 2.0, 3.0, 4.0, 5.0]), win="doubles")
vis.line(Y=np.array([0.30000000000000004]), X=np.array([6.0]), win="doubles", update="append")
vis.heatmap(np.array([[1, 2], [3, 4]], dtype=np.int64), win="hm_int")
vis.heatmap(np.array([[0.5, 1.5]]), win="hm_int", update="appendRow")
vis.scatter(X=np.array([[1, 2], [3, 4]], dtype=np.int16), win="sc_int")
vis.scatter(X=np.array([[5.25, 6.0]]), win="sc_int", update="append")
