#!/usr/bin/env python3
"""Random scenarios written by the real visdom 0.2.4 client (offline mode), the way the
recorded corpus was made: random sequences of `line`, `scatter`, `heatmap`, `bar`, `text`,
`image`, `properties`, `update_window_opts`, raw `_send`... with numpy data of every dtype
(int8...uint64, float16/32/64, bool), NaN/±Infinity/-0.0/extremes, opts of all kinds,
updates (append/replace/insert/remove/new, heatmap rows and columns) with and without names.
Client-side assertion errors just skip the call (the client logs nothing for it).

Used by generate.py for a share of the scenarios (runs under the visdom venv's Python).
"""

import json
import os
import tempfile
import warnings

import numpy as np

WINS = ["w0", "w1", "w2", "loss"]
ENVS = [None, None, None, "main", "e1", "exp/run1", "ünï"]
INT_DTYPES = [np.int64, np.int32, np.int8, np.uint8, np.int16, np.uint64]
FLOAT_DTYPES = [np.float64, np.float64, np.float32, np.float16]


class ClientGen:
    def __init__(self, rng):
        self.r = rng
        self.np = np.random.default_rng(rng.randrange(2 ** 32))
        if rng.random() < 0.4:
            # focused: one or two windows in one env, so that updates pile up on them
            self.wins = rng.sample(WINS, rng.randint(1, 2))
            self.envs = [None]
        else:
            self.wins, self.envs = WINS, ENVS

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return xs[self.r.randrange(len(xs))]

    # ------------------------------------------------------------------ data
    def array(self, shape, kind=None):
        kind = kind or self.pick(["int", "float", "float", "float", "bool", "special"])
        if kind == "int":
            dt = self.pick(INT_DTYPES)
            info = np.iinfo(dt)
            a = self.np.integers(max(info.min, -1000), min(info.max, 1000), size=shape, endpoint=True).astype(dt)
            if a.size and self.chance(0.2):
                a.flat[self.r.randrange(a.size)] = self.pick([info.max, info.min])
            return a
        if kind == "bool":
            return self.np.integers(0, 2, size=shape).astype(bool)
        dt = self.pick(FLOAT_DTYPES)
        a = (self.np.standard_normal(size=shape) * self.pick([1, 10, 1000, 1e-3])).astype(dt)
        if kind == "special" and a.size:
            for _ in range(self.r.randint(1, 3)):
                a.flat[self.r.randrange(a.size)] = self.pick(
                    [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e308, 5e-324, 0.1, 2.55, 1e16])
        elif self.chance(0.15) and a.size:
            a.flat[self.r.randrange(a.size)] = np.nan
        return a

    def names(self, k):
        pool = ["a", "b", "train", "test", "1", "2", "é", "", "loss"]
        return [self.pick(pool) for _ in range(k)]

    def opts(self, ntraces=1, kind="line"):
        o = {}
        for _ in range(self.r.randint(0, 4)):
            key = self.pick(["title", "xlabel", "ylabel", "legend", "showlegend", "markers",
                             "markersymbol", "markersize", "width", "height", "fillarea",
                             "linecolor", "dash", "xtype", "ytype", "xtickmin", "ytickmax",
                             "layoutopts", "traceopts", "colormap", "marginleft", "textlabels",
                             "markercolor", "webgl", "ztickmax", "xmin", "xmax", "mode"])
            if key in ("title", "xlabel", "ylabel"):
                o[key] = self.pick(["t", "loss", "", "é", "title with space"])
            elif key == "legend":
                o[key] = self.names(max(1, ntraces + self.r.randint(-1, 1)))
            elif key in ("showlegend", "markers", "fillarea", "webgl"):
                o[key] = self.pick([True, False])
            elif key == "markersymbol":
                o[key] = self.pick(["dot", "cross", "square"])
            elif key in ("markersize", "width", "height", "marginleft", "xtickmin", "ytickmax",
                         "ztickmax", "xmin", "xmax"):
                o[key] = self.pick([1, 5, 10.5, 300, 0, -1])
            elif key == "linecolor":
                o[key] = self.np.integers(0, 256, size=(max(1, ntraces), 3))
            elif key == "markercolor":
                o[key] = self.np.integers(0, 256, size=(max(1, ntraces), 3))
            elif key == "dash":
                o[key] = np.array([self.pick(["solid", "dash", "dashdot"]) for _ in range(max(1, ntraces))])
            elif key in ("xtype", "ytype"):
                o[key] = self.pick(["linear", "log"])
            elif key == "layoutopts":
                o[key] = {"plotly": {self.pick(["barmode", "hovermode", "xaxis"]): self.pick(["stack", "closest", {"type": "log"}])}}
            elif key == "traceopts":
                o[key] = {"plotly": {self.pick(["1", "a", "train"]): {"opacity": 0.5}}}
            elif key == "colormap":
                o[key] = self.pick(["Viridis", "Electric", "Hot"])
            elif key == "textlabels":
                o[key] = ["p%d" % i for i in range(self.r.randint(0, 3))]
            elif key == "mode":
                o[key] = self.pick(["lines", "markers", "lines+markers"])
        return o

    # ------------------------------------------------------------------ calls
    def call(self, vis, wins_made):
        win = self.pick(self.wins)
        env = self.pick(self.envs)
        r = self.r.random()
        if r < 0.35:
            self.line(vis, win, env)
        elif r < 0.5:
            self.scatter(vis, win, env)
        elif r < 0.65:
            self.heatmap(vis, win, env)
        elif r < 0.72:
            t = self.pick(["hello", "", "<b>bold</b>", "é 日本", "line\nbreak", "\ud83d"])
            vis.text(t, win=win, env=env, append=self.chance(0.6),
                     opts=self.pick([None, {"title": "t"}]))
        elif r < 0.77:
            img = (self.np.random(size=(3, 2, 2)) * 255).astype(np.uint8)
            opts = {"store_history": self.chance(0.7)}
            if self.chance(0.3):
                opts["caption"] = self.pick(["c", "step"])
            vis.image(img, win=win, env=env, opts=opts)
        elif r < 0.82:
            kind = self.pick(["bar", "histogram", "boxplot", "surf", "contour", "stem", "pie"])
            n = self.r.randint(1, 4)
            if kind == "bar":
                vis.bar(X=self.array((n,) if self.chance(0.5) else (n, 2)), win=win, env=env,
                        opts=self.opts(2, "bar"))
            elif kind == "histogram":
                vis.histogram(X=self.array((n + 2,), "float"), win=win, env=env, opts={"numbins": 3})
            elif kind == "boxplot":
                vis.boxplot(X=self.array((n + 2,), "float"), win=win, env=env)
            elif kind in ("surf", "contour"):
                getattr(vis, kind)(X=self.array((n + 1, n + 1)), win=win, env=env, opts=self.opts(1))
            elif kind == "stem":
                vis.stem(X=self.array((n + 1,), "float"), win=win, env=env)
            else:
                vis.pie(X=np.abs(self.array((n,), "float")) + 0.1, win=win, env=env)
        elif r < 0.87:
            vis.update_window_opts(win=win, opts=self.opts(self.r.randint(1, 3)), env=env)
        elif r < 0.9:
            vis.properties([{"type": "text", "name": "n", "value": self.pick(["v", "1", ""])},
                            {"type": "number", "name": "k", "value": str(self.r.randint(0, 9))}],
                           win=win, env=env)
        elif r < 0.95:
            # raw plotly traces, as custom_plotly_send does
            n = self.r.randint(1, 3)
            trace = {"x": self.array((n,)).tolist(), "y": self.array((n,)).tolist(),
                     "type": self.pick(["scatter", "custom", "bar"]), "mode": "markers"}
            if self.chance(0.5):
                trace["marker"] = {"color": self.pick(["red", ["red"] * n, list(range(n))])}
            if self.chance(0.5):
                trace["name"] = self.pick(["a", "b", "1"])
            msg = {"data": [trace], "win": win, "eid": env}
            if self.chance(0.5):
                msg["append"] = True
                vis._send(msg, endpoint="update")
            else:
                msg["layout"] = {"title": "raw"}
                vis._send(msg)
        else:
            self.line(vis, win, env, update_only=True)

    def line(self, vis, win, env, update_only=False):
        n = self.r.randint(1, 4)
        k = self.pick([1, 1, 2, 3])
        Y = self.array((n,) if k == 1 else (n, k))
        X = self.array((n,) if self.chance(0.7) or k == 1 else (n, k), self.pick(["int", "float"]))
        update = self.pick([None, "append", "append", "append", "replace", "insert", "remove", "new"]) \
            if not update_only else self.pick(["append", "replace", "remove"])
        name = self.pick([None, None, "1", "2", "a", "train", "é"])
        opts = self.opts(k) if self.chance(0.5) else None
        if update is None:
            vis.line(Y=Y, X=X if self.chance(0.8) else None, win=win, env=env, opts=opts, name=name)
        else:
            vis.line(Y=Y, X=X, win=win, env=env, opts=opts, update=update, name=name)

    def scatter(self, vis, win, env):
        n = self.r.randint(1, 4)
        d = self.pick([2, 2, 3])
        X = self.array((n, d), self.pick(["int", "float", "special"]))
        Y = None
        if self.chance(0.4):
            Y = self.np.integers(1, 3, size=n, endpoint=True)
        update = self.pick([None, None, "append", "replace", "remove", "new"])
        name = self.pick([None, "1", "2", "a"])
        opts = self.opts(2, "scatter") if self.chance(0.5) else {}
        if self.chance(0.2):
            opts["markercolor"] = self.np.integers(0, 256, size=(n, 3)) if self.chance(0.5) \
                else self.np.integers(0, 256, size=(1, 3))
        if self.chance(0.2) and "legend" in opts:
            del opts["legend"]
        vis.scatter(X=X, Y=Y, win=win, env=env, opts=opts or None, update=update, name=name)

    def heatmap(self, vis, win, env):
        rows, cols = self.r.randint(1, 3), self.r.randint(1, 3)
        update = self.pick([None, None, "appendRow", "prependRow", "appendColumn", "prependColumn",
                            "replace", "remove"])
        if update in ("appendRow", "prependRow"):
            rows = self.r.randint(1, 2)
        if update in ("appendColumn", "prependColumn"):
            cols = self.r.randint(1, 2)
        X = self.array((rows, cols), self.pick(["int", "float", "special"]))
        opts = {}
        if self.chance(0.4):
            opts["columnnames"] = ["c%d" % self.r.randint(0, 6) for _ in range(cols)]
        if self.chance(0.4):
            opts["rownames"] = ["r%d" % self.r.randint(0, 6) for _ in range(rows)]
        if self.chance(0.3):
            opts["colormap"] = self.pick(["Viridis", "Hot"])
        if self.chance(0.2):
            opts["xmin"], opts["xmax"] = -1.0, 1.0
        if self.chance(0.15):
            opts["nancolor"] = "black"
        if self.chance(0.2):
            opts["title"] = "hm"
        vis.heatmap(X=X, win=win, env=env, update=update, opts=opts or None)


def client_log(rng, size):
    """A replay log written by the visdom client: a list of [endpoint, msg]."""
    import visdom
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    os.remove(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            vis = visdom.Visdom(offline=True, log_to_filename=path, use_incoming_socket=False)
            g = ClientGen(rng)
            made = []
            for _ in range(size):
                try:
                    g.call(vis, made)
                except Exception:
                    pass
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as f:
            return [json.loads(l) for l in f if l.strip()]
    finally:
        if os.path.exists(path):
            os.remove(path)
