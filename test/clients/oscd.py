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
(bin/clients/openstack, or bin/clients/nova, a link to it: the Go shim
internal/tools/oscshim). Each command starts from the same state: the
clients imported and openstackclient's command modules loaded once, by a
`command list` run whose log handlers and warning filters are undone;
nothing of one command's run reaches another's.
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


def remember_novaclient_extensions():
    """Makes novaclient look for its legacy extensions on the Python path
    once in this process. Each compute client it makes (osc's `server`,
    `flavor` and other compute commands, every `nova` command) walks every
    directory of sys.path with pkgutil for modules named
    *_python_novaclient_ext: some 2,600 listdir and stat calls, about a
    sixth of a `server list` child's Python time. What it finds depends on
    sys.path and the installed packages only, the same in every child (here:
    nothing); a command gets the same (name, module) pairs, in the same
    order, as a generator as before."""
    from novaclient import client
    found = list(client._discover_via_python_path())

    def discover_via_python_path():
        yield from found

    client._discover_via_python_path = discover_via_python_path


# The commands warm_up runs, each in this process, against a throwaway
# `novalite serve`: read-only ones but for the server it creates, the kinds
# the scripts and suites run most (a server's, a flavor's, an image's; table,
# json and value output), and two of `nova`.
WARM_UP = [
    ("openstack", ["server", "create", "--flavor", "m1.tiny", "--image", "cirros", "warm"]),
    ("openstack", ["server", "list"]),
    ("openstack", ["server", "show", "warm", "-f", "json"]),
    ("openstack", ["flavor", "list"]),
    ("openstack", ["flavor", "show", "m1.tiny", "-f", "value", "-c", "id"]),
    ("openstack", ["image", "list", "-f", "json"]),
    ("openstack", ["keypair", "list"]),
    ("openstack", ["server", "delete", "warm"]),
    ("nova", ["list"]),
    ("nova", ["flavor-list"]),
]


def run_quietly(main, prog, argv):
    """Runs one command of a client in this process, its output discarded;
    returns its exit status."""
    import contextlib
    import io
    # argparse names the program after sys.argv[0] where it is first asked
    # (`openstack --version` printed "oscd 6.0.0").
    sys.argv = [prog] + argv
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        try:
            return main(argv) or 0
        except SystemExit as e:
            return e.code


def warm_up(novalite, mains):
    """Runs the WARM_UP commands in this process against a `novalite serve`
    of its own (the binary NOVALITE names), started and removed here, so that
    what each command's first run in a process builds, the same for any cloud
    and any command, is built once here rather than in every child: the ABC
    subclass caches, the bytecode's specialisations, lazily imported modules
    (cliff's shell formatter, dogpile's null backend, cinderclient), compiled
    regular expressions. What those runs leave behind that names their cloud
    is put back as it was (keep_state; logging and warnings by preload), and
    the server's URL, a port of its own, is gone when this returns. A failure
    leaves the parent less warm, not broken: it is said on stderr and serving
    goes on."""
    import gc
    import http.client
    import shutil
    import subprocess
    import tempfile
    import time
    restore = keep_state()
    env = dict(os.environ)
    # Neither the caller's cloud nor its novalite settings (a driver, a
    # database): the warm-up's server is the default one, its cloud its own.
    clean = {k: v for k, v in env.items() if not k.startswith(("OS_", "NOVALITE_"))}
    work = tempfile.mkdtemp(prefix="oscd-warm-")
    proc = None
    try:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        proc = subprocess.Popen(
            [novalite, "serve", "--listen", "127.0.0.1:%d" % port, "--data-dir", work + "/data",
             "--admin-password", "warm-up"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(clean, NOVALITE_PASSWORD_HASH_ROUNDS="4"))
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok and os.path.exists(work + "/data/clouds.yaml"):
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("novalite serve did not start")
            time.sleep(0.05)
        os.environ.clear()
        os.environ.update(clean)
        os.environ.update({
            "OS_CLIENT_CONFIG_FILE": work + "/data/clouds.yaml", "OS_CLOUD": "novalite",
            # nova reads no clouds.yaml
            "OS_AUTH_URL": "http://127.0.0.1:%d/identity/v3" % port, "OS_USERNAME": "admin",
            "OS_PASSWORD": "warm-up", "OS_PROJECT_NAME": "admin", "OS_USER_DOMAIN_NAME": "Default",
            "OS_PROJECT_DOMAIN_NAME": "Default"})
        for prog, argv in WARM_UP:
            rc = run_quietly(mains[prog], prog, argv)
            if rc:
                print("oscd: warm-up: %s %s exited %s" % (prog, " ".join(argv), rc), file=sys.stderr)
    except Exception as e:
        print("oscd: warm-up stopped: %s" % e, file=sys.stderr)
    finally:
        os.environ.clear()
        os.environ.update(env)
        if proc is not None:
            proc.terminate()
            proc.wait()
        shutil.rmtree(work, ignore_errors=True)
        restore()
    # The runs' sessions, now unreferenced, hold their sockets until a
    # collection: collected here, before any child inherits them.
    gc.collect()


def keep_state():
    """Notes the state, outside logging and warnings, that a command's run
    changes in the process and that would differ from one cloud or command
    to the next, found by comparing every module's globals and classes before
    and after the WARM_UP runs; returns a function that puts it back:
    - osc_lib's ClientManager keeps each API's client, made at its first use,
      on the class (ClientCache), with the session and URLs of that run;
    - openstacksdk inserts OS_CLIENT_CONFIG_FILE (and OS_CLIENT_SECURE_FILE)
      into its module's list of files to search, on each load;
    - openstacksdk's Proxy caches URL names per proxy (and so holds the
      proxies, their sessions and sockets);
    - the API versions openstackclient's compute and volume modules noted,
      and the volume module's table of client classes, from which its first
      client in a process deletes the versions cinderclient no longer has
      (a second deletion fails: `server create` exited 1, KeyError '1');
    - the loggers' handlers and levels (openstacksdk gives its loggers a
      NullHandler at their first use), those of loggers made by the runs
      emptied;
    - tempfile's directory, read from TMPDIR at its first use (by warm_up's
      own mkdtemp).
    What is left is the same for every command: modules imported (among
    them cinderclient, whose import adds keystoneauth discovery rules for
    /v1/ and /v2/ volume URLs, which novalite's catalog has none of),
    caches of plugins, of compiled patterns, of ABC checks."""
    import logging
    import tempfile
    from openstack import proxy
    from openstack.config import loader
    from osc_lib import clientmanager
    from openstackclient.compute import client as compute
    from openstackclient.volume import client as volume
    caches = []
    classes = [clientmanager.ClientManager]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        caches += [(c, c._handle) for c in vars(cls).values() if isinstance(c, clientmanager.ClientCache)]
    lists = [(ls, ls[:]) for ls in (loader.CONFIG_FILES, loader.SECURE_FILES)]
    versions = dict(volume.API_VERSIONS)
    loggers = {name: (lg, lg.handlers[:], lg.level, lg.propagate, lg.disabled)
               for name, lg in logging.Logger.manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    names = [(m, n, getattr(m, n)) for m, n in (
        (compute, "_compute_api_version"), (volume, "_volume_api_version"), (tempfile, "tempdir"))]

    def restore():
        for c, handle in caches:
            c._handle = handle
        for ls, items in lists:
            ls[:] = items
        for m, n, v in names:
            setattr(m, n, v)
        volume.API_VERSIONS.clear()
        volume.API_VERSIONS.update(versions)
        for name, lg in list(logging.Logger.manager.loggerDict.items()):
            if not isinstance(lg, logging.Logger):
                continue
            _, handlers, level, propagate, disabled = loggers.get(name, (lg, [], logging.NOTSET, True, False))
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate, lg.disabled = propagate, disabled
        proxy.Proxy._extract_name.cache_clear()
    return restore


def preload(novalite=None):
    """Imports openstackclient and, by running `openstack command list` once
    (no cloud needed), every command module its entry points name; warms the
    process up with a few commands against a server of its own when given
    the novalite binary (warm_up); then undoes what those runs set up in the
    process (log handlers, warning filters)."""
    import logging
    import warnings
    remember_plugins()
    remember_novaclient_extensions()
    from openstackclient import shell
    # nova's shell imports its v2 command module when it runs: import it now.
    import novaclient.shell
    import novaclient.v2.shell  # noqa: F401
    mains = {"openstack": shell.main, "nova": novaclient.shell.main}
    filters = warnings.filters[:]
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    run_quietly(shell.main, "openstack", ["command", "list"])
    if novalite:
        warm_up(novalite, mains)
    warnings.filters[:] = filters
    root.handlers[:] = handlers
    root.setLevel(level)
    return mains


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
    path, novalite = sys.argv[1], (sys.argv[2:] or [None])[0]
    # Listening before the imports and the warm-up (some seconds): the
    # commands of scripts started meanwhile wait in the backlog for this
    # server rather than each run the plain client (a second of CPU).
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    if os.path.exists(path):
        os.unlink(path)
    srv.bind(path)
    srv.listen(64)
    mains = preload(novalite)
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
