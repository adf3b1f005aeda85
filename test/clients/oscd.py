#!/usr/bin/env python3
"""A fork server for openstackclient (and novaclient's `nova`), so that the
client scripts and the clients' functional suites do not pay Python's start
and the client's imports (about a second of CPU) on each of their several
hundred `openstack` (or `nova`) calls.

It imports both clients once, then for every connection on the Unix socket
forks a child that takes the caller's argv, environment, working directory
and standard streams (passed as file descriptors) and runs the unmodified
`openstackclient.shell.main` (or `novaclient.shell.main`: the request names
the program) in them; the exit status goes back to the caller
(bin/openstack, or bin/nova, a link to it). Each command starts from the
same state: the clients imported and openstackclient's command modules
loaded once, by a `command list` run whose log handlers and warning filters
are undone; nothing of one command's run reaches another's.
"""
import os
import signal
import socket
import sys


def remember_plugins():
    """Makes stevedore load a namespace's plugins once in this process: each
    command's start (cliff's command manager, osc's client plugins) loads
    every entry point of some 25 namespaces, about 3,000 `EntryPoint.load()`
    calls that import nothing new here, where every module is already
    imported, but cost a fifth of a command's CPU (flavor list: 290 -> 230
    ms). What a command gets is what it got before: the same Extension
    objects (plugin classes, no instance), in the same order, in a new list.
    Managers that instantiate their plugins or filter them by name
    (invoke_on_load, a _load_one_plugin of their own) load as before."""
    from stevedore import extension
    base = extension.ExtensionManager
    load = base._load_plugins
    loaded = {}

    def load_once(self, invoke_on_load, invoke_args, invoke_kwds, verify_requirements):
        if invoke_on_load or type(self)._load_one_plugin is not base._load_one_plugin:
            return load(self, invoke_on_load, invoke_args, invoke_kwds, verify_requirements)
        key = (self.namespace, verify_requirements)
        if key not in loaded:
            loaded[key] = load(self, invoke_on_load, invoke_args, invoke_kwds, verify_requirements)
        return list(loaded[key])

    base._load_plugins = load_once


def preload():
    """Imports openstackclient and, by running `openstack command list` once
    (no cloud needed), every command module its entry points name; then undoes
    what that run set up in the process (log handlers, warning filters)."""
    import contextlib
    import io
    import logging
    import warnings
    remember_plugins()
    from openstackclient import shell
    filters = warnings.filters[:]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    # argparse names the program after sys.argv[0] where it is first asked
    # (`openstack --version` printed "oscd 6.0.0").
    sys.argv = ["openstack", "command", "list"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            shell.main(["command", "list"])
        except SystemExit:
            pass
    warnings.filters[:] = filters
    root.handlers[:] = handlers
    root.setLevel(level)
    # nova's shell imports its v2 command module when it runs: import it now.
    import novaclient.shell
    import novaclient.v2.shell  # noqa: F401
    return {"openstack": shell.main, "nova": novaclient.shell.main}


def serve_one(conn, mains):
    msg, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    size = int.from_bytes(msg[:4], "big")
    body = msg[4:]
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            os._exit(1)
        body += chunk
    import json
    req = json.loads(body)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    sys.stdin = os.fdopen(0, "r", closefd=False)
    sys.stdout = os.fdopen(1, "w", closefd=False)
    sys.stderr = os.fdopen(2, "w", closefd=False)
    os.environ.clear()
    os.environ.update(req["env"])
    os.chdir(req["cwd"])
    prog = req.get("prog", "openstack")
    sys.argv = [prog] + req["argv"]
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    try:
        rc = mains[prog](req["argv"])
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:
        import traceback
        traceback.print_exc()
        rc = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        pass
    conn.sendall(int(rc or 0).to_bytes(4, "big"))
    os._exit(0)


def main():
    path = sys.argv[1]
    mains = preload()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(path):
        os.unlink(path)
    srv.bind(path)
    srv.listen(64)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children reaped by the kernel
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    while True:
        conn, _ = srv.accept()
        if os.fork() == 0:
            srv.close()
            serve_one(conn, mains)
        conn.close()


if __name__ == "__main__":
    main()
