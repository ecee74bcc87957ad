"""Helpers for scenario scripts: log lines the visdom client itself never writes.

The visdom client logs only "events" and "update" requests (Visdom._log). To
script env and window operations, a scenario appends its own lines to the
same replay log, shaped like the messages the client's methods send:

    log_raw(LOG, endpoint, msg)        any [endpoint, msg] line
    close(LOG, win=None, env="main")   Visdom.close: win None = every window
    delete_env(LOG, env)               Visdom.delete_env
    fork_env(LOG, prev_eid, eid)       Visdom.fork_env
    set_window_data(LOG, data, win=None, env="main")
                                       Visdom.set_window_data: data is a JSON
                                       string; win None = the whole env

The recorder posts each line to /endpoint as it is (only a missing or null
"eid" becomes "main", as Visdom._send does).
"""
import json


def log_raw(log, endpoint, msg):
    """Append one line to the replay log, written the way Visdom._log writes it."""
    with open(log, "a+") as f:
        f.write(json.dumps([endpoint, msg]) + "\n")


def close(log, win=None, env="main"):
    log_raw(log, "close", {"win": win, "eid": env})


def delete_env(log, env):
    log_raw(log, "delete_env", {"eid": env})


def fork_env(log, prev_eid, eid):
    log_raw(log, "fork_env", {"prev_eid": prev_eid, "eid": eid})


def set_window_data(log, data, win=None, env="main"):
    if not isinstance(data, str):
        data = json.dumps(data)
    log_raw(log, "win_data", {"win": win, "eid": env, "data": data})
