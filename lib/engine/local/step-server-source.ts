/**
 * The step server: a small long-lived Python 3.8+ program (stdlib only) that starts step processes with
 * `posix_spawn` (vfork+exec: far cheaper than forking the engine's Node process, and off its event loop) and
 * multiplexes their output and exits over its stdout. Passed to `python3 -c`, so it needs no file on disk.
 *
 * Requests, one JSON object a line on stdin:
 *   {"op":"run","id":N,"argv":[..],"cwd":"..","env":{..},"unset":[..],"dirs":[..],"files":[[path,text,mode]],
 *    "pristine":{dir:[entries]}}
 *     env/unset are changes to the environment the server was started with.
 *   {"op":"kill","id":N,"signal":S}   signals the step's process group (ignored once it has exited).
 * Replies on stdout:
 *   "R <protocol>"                      ready
 *   "S <id> <pid>"                      started (the pid is also the process group id, and the session id when
 *                                       the engine has a controlling terminal)
 *   "F <id> <CODE> <message>"           could not start (CODE: errno name)
 *   "O <id> <1|2> <length>\n<bytes>"    output on stdout (1) or stderr (2)
 *   "X <id> <exit code> [0|1]"          exited (128+signal when killed by one), after all its output; with
 *                                       "pristine" ({dir: [entries]}) in the request, 1 when every dir holds
 *                                       exactly those entries after the exit
 * On end of stdin (the engine went away) it kills every step's process group and exits.
 */
export const STEP_SERVER_PROTOCOL = "1";

export const STEP_SERVER_SOURCE = String.raw`
import errno, json, json.scanner, os, select, signal, sys, time

if sys.version_info < (3, 8) or not hasattr(os, "posix_spawn"):
    sys.exit(3)

# Dispositions the server changes (Python ignores SIGPIPE/SIGXFSZ; the server ignores SIGINT, which the engine
# handles) are reset for the steps, as a fresh process would have them.
RESET = [getattr(signal, n) for n in ("SIGPIPE", "SIGXFSZ", "SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, n)]
base = dict(os.environ)
# Every step gets its own process group (what kills end). Its own session as well only when the engine has a
# controlling terminal, to keep steps off it as a pod is: a session per step also puts each step in a scheduling
# autogroup of its own (kernel.sched_autogroup_enabled), where it weighs as much as the engine and this server
# together, which then fall behind in starting and reaping steps whenever the cores are busy.
try:
    os.close(os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY))
    SESSION = {"setsid": True}
except OSError:
    SESSION = {"setpgroup": 0}
null = os.open(os.devnull, os.O_RDONLY)
# poll(), not selectors: it is a measurable share of the server's time per step, and portable.
poller = select.poll()
readers = {}
steps = {}
by_pid = {}
pending = bytearray()


class Step:
    __slots__ = ("id", "pid", "open", "code", "expect", "pristine")

    def __init__(self, id, pid, expect):
        self.id, self.pid, self.open, self.code, self.expect, self.pristine = id, pid, 2, None, expect, ""


def emit(text):
    pending.extend(text.encode("utf-8", "replace"))


def flush():
    data = bytes(pending)
    pending.clear()
    done = 0
    while done < len(data):
        done += os.write(1, data[done:])


def finish(step):
    if step.open == 0 and step.code is not None:
        del steps[step.id]
        emit("X %d %d%s\n" % (step.id, step.code, step.pristine))


found = {}


def executable(name, env, cached=True):
    # Looked up in the step's own PATH, as Node's spawn does; a lookup is reused for a second (a PATH search is a
    # dozen syscalls, more than the rest of a start), and redone when the file it found is gone.
    if "/" in name:
        return name
    path = env.get("PATH", os.defpath)
    hit = found.get((path, name))
    now = time.monotonic()
    if cached and hit is not None and now - hit[1] < 1.0:
        return hit[0]
    for d in path.split(":"):
        p = os.path.join(d or ".", name)
        if os.access(p, os.X_OK) and not os.path.isdir(p):
            if len(found) > 1000:
                found.clear()
            found[(path, name)] = (p, now)
            return p
    raise FileNotFoundError(errno.ENOENT, "no such file or directory")


def spawn(argv, env, out_w, err_w):
    actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)]
    try:
        return os.posix_spawn(executable(argv[0], env), argv, env, file_actions=actions, setsigdef=RESET, **SESSION)
    except FileNotFoundError:
        return os.posix_spawn(executable(argv[0], env, False), argv, env, file_actions=actions, setsigdef=RESET, **SESSION)


def fail(id, e, what):
    code = errno.errorcode.get(e.errno or 0, "EIO")
    text = what if e.filename is None else "%s: %s, %s '%s'" % (code, e.strerror, what, e.filename)
    emit("F %d %s %s\n" % (id, code, text.replace("\n", " ")))


def run(req):
    id = req["id"]
    argv = req["argv"]
    env = dict(base)
    env.update(req.get("env") or {})
    for k in req.get("unset") or ():
        env.pop(k, None)
    try:
        for d in req.get("dirs") or ():
            os.makedirs(d, exist_ok=True)
    except OSError as e:
        return fail(id, e, "mkdir")
    try:
        for path, text, mode in req.get("files") or ():
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode), "w", encoding="utf-8") as f:
                f.write(text)
    except OSError as e:
        return fail(id, e, "open")
    fds = []
    try:
        os.chdir(req["cwd"])
        out_r, out_w = os.pipe()
        fds += [out_r, out_w]
        err_r, err_w = os.pipe()
        fds += [err_r, err_w]
        pid = spawn(argv, env, out_w, err_w)
    except OSError as e:
        for fd in fds:
            os.close(fd)
        e.filename = None
        return fail(id, e, "spawn %s %s" % (argv[0], errno.errorcode.get(e.errno or 0, "EIO")))
    os.close(out_w)
    os.close(err_w)
    step = Step(id, pid, req.get("pristine"))
    steps[id] = step
    by_pid[pid] = step
    readers[out_r] = (step, 1)
    readers[err_r] = (step, 2)
    poller.register(out_r, select.POLLIN)
    poller.register(err_r, select.POLLIN)
    emit("S %d %d\n" % (id, pid))


def killgroup(pid, sig):
    try:
        os.killpg(pid, sig)
    except OSError:
        pass


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        step = by_pid.pop(pid, None)
        if step is None:
            continue
        # Like a pod ending: whatever the step left running in its group goes too.
        killgroup(pid, signal.SIGKILL)
        step.code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)
        step.pid = None
        if step.expect is not None:
            step.pristine = " 1" if is_pristine(step.expect) else " 0"
        finish(step)


# Directories found as prepared, by path: their (inode, mtime, ctime, links) then. Listing three directories
# per step was a quarter of the server's time; one stat each is enough while nothing has changed them.
unchanged = {}


def is_pristine(expect):
    # The step's directory holds exactly what was prepared (so it can be lent to another step).
    try:
        for d, entries in expect.items():
            st = os.stat(d)
            key = (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_nlink)
            if unchanged.get(d) == key:
                continue
            unchanged.pop(d, None)
            if set(os.listdir(d)) != set(entries):
                return False
            # A change stamps the directory with the time then (within a clock tick), so once its last change
            # is well in the past its stat tells whether it changed since. Not for timestamps coarser than a
            # millisecond, which a change can leave as they were.
            if time.time_ns() - st.st_ctime_ns > 50000000 and st.st_ctime_ns % 1000000 and st.st_mtime_ns % 1000000:
                if len(unchanged) > 10000:
                    unchanged.clear()
                unchanged[d] = key
        return True
    except OSError:
        return False


# One C call per request (json.loads adds an encoding check and two Python-level calls).
scan = json.scanner.make_scanner(json.JSONDecoder())


def request(line):
    req = scan(line.decode("utf-8"), 0)[0]
    if req["op"] == "run":
        try:
            run(req)
        except Exception as e:
            # Not a failure of the step's command (those are OSErrors): say what broke instead of dying.
            emit("F %d EINVAL step server: %s\n" % (req.get("id", 0), repr(e).replace("\n", " ")))
    elif req["op"] == "kill":
        step = steps.get(req["id"])
        if step is not None and step.pid is not None:
            killgroup(step.pid, req["signal"])


def shutdown():
    for step in list(steps.values()):
        if step.pid is not None:
            killgroup(step.pid, signal.SIGKILL)
    sys.exit(0)


# What every step needs must work here, or the engine uses another launcher: try it once.
try:
    probe = os.posix_spawn("/bin/sh", ["sh", "-c", "exit 0"], base, file_actions=[(os.POSIX_SPAWN_DUP2, null, 0)], setsigdef=RESET, **SESSION)
    os.waitpid(probe, 0)
except Exception:
    sys.exit(3)

wake_r, wake_w = os.pipe()
os.set_blocking(wake_r, False)
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)
signal.signal(signal.SIGCHLD, lambda *_: None)
signal.signal(signal.SIGINT, signal.SIG_IGN)
os.set_blocking(0, False)
poller.register(0, select.POLLIN)
poller.register(wake_r, select.POLLIN)
inbox = b""
exited = False
emit("R ${STEP_SERVER_PROTOCOL}\n")
flush()
while True:
    # Any event counts as readable: at end of file a pipe reports POLLHUP, and read() then returns b"".
    for fd, _ in poller.poll():
        if fd == 0:
            try:
                chunk = os.read(0, 1 << 16)
            except BlockingIOError:
                continue
            if not chunk:
                shutdown()
            *lines, inbox = (inbox + chunk).split(b"\n")
            for line in lines:
                if line:
                    request(line)
        elif fd == wake_r:
            try:
                os.read(wake_r, 4096)
            except BlockingIOError:
                pass
            # Only a signal (SIGCHLD) writes here: children are looked for then, not at every wake-up.
            exited = True
        else:
            step, stream = readers[fd]
            data = os.read(fd, 1 << 16)
            if data:
                emit("O %d %d %d\n" % (step.id, stream, len(data)))
                pending.extend(data)
            else:
                poller.unregister(fd)
                del readers[fd]
                os.close(fd)
                step.open -= 1
                finish(step)
    if exited:
        exited = False
        reap()
    flush()
`;
