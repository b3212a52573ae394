"""A real Neo4j for the tests, and for developers, from the launcher in tests/neo4j.

The launcher is a Maven module (tests/neo4j/pom.xml, which pins the Neo4j version) with a
short Java main around ``org.neo4j.test:neo4j-harness``: a real in-process Neo4j Community
server with Bolt and HTTP. Maven builds it once (jars from Maven Central into ~/.m2, classes
under tests/neo4j/target/VERSION/); this module then runs it as a plain ``java`` process,
bound to 127.0.0.1 on ports the kernel picks, with authentication on and a generated
password, its data in a directory of the caller's choosing. It serves Neo4j Browser too.

By hand (prints the connection settings; Ctrl-C stops it)::

    python tests/neo4j_server.py [--data DIR] [--bolt-port 7687] [--http-port 7474]

KGBUILD_NEO4J_VERSION selects another Neo4j (2025.x needs JAVA_HOME set to Java 21 or newer).
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

LAUNCHER = Path(__file__).parent / "neo4j"
POM = LAUNCHER / "pom.xml"
MAIN_CLASS = "kgbuild.testneo4j.Launcher"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"
PASSWORD_VARIABLE = "KGBUILD_NEO4J_PASSWORD"
USER = "neo4j"
READY = re.compile(r"^kgbuild-neo4j ready bolt=(?P<bolt>\S+?)/? http=(?P<http>\S+?)/? "
                   r"version=(?P<version>\S+) edition=(?P<edition>\S+)$")
# What Neo4j's own start scripts give the JVM: without them Java 21+ refuses Neo4j's direct
# buffer access (neo4j-admin import fails on Java 25 with "DirectByteBuffer is not available").
JVM_OPTIONS = ["-XX:+UseSerialGC", "--add-opens=java.base/java.nio=ALL-UNNAMED",
               "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
               "-Dio.netty.tryReflectionSetAccessible=true"]
START_TIMEOUT = 240.0  # seconds; a cold JVM on two busy cores takes 15-40
BUILD_TIMEOUT = 1200.0  # seconds; the first build downloads about 220 MB of jars into ~/.m2


class Neo4jUnavailable(RuntimeError):
    """No Java or no Maven here: the launcher cannot be built or run."""


class Neo4jStartError(RuntimeError):
    """The launcher was built but Neo4j did not come up; the message says why."""


def pinned_version() -> str:
    """The Neo4j version: KGBUILD_NEO4J_VERSION, else the one pom.xml pins."""
    override = os.environ.get("KGBUILD_NEO4J_VERSION")
    if override:
        return override
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", POM.read_text(encoding="utf-8"))
    if not match:
        raise Neo4jStartError(f"{POM} pins no <neo4j.version>")
    return match.group(1)


def tool(name: str) -> str | None:
    """java from JAVA_HOME when set (as Maven does), else from PATH; mvn from PATH."""
    java_home = os.environ.get("JAVA_HOME")
    if name == "java" and java_home:
        candidate = Path(java_home) / "bin" / "java"
        return str(candidate) if candidate.is_file() else None
    return shutil.which(name)


def missing_tools() -> list[str]:
    return [name for name in ("java", "mvn") if tool(name) is None]


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def launcher_classpath(version: str | None = None) -> str:
    """Build the launcher if needed and return its runtime classpath (classes first)."""
    missing = missing_tools()
    if missing:
        raise Neo4jUnavailable(f"cannot run the test Neo4j: {' and '.join(missing)} not found "
                               f"(it needs a JDK 17+ and Maven; JAVA_HOME or PATH)")
    version = version or pinned_version()
    target = LAUNCHER / "target" / version
    classpath_file = target / "classpath.txt"
    main_class = target / "classes" / Path(*MAIN_CLASS.split(".")).with_suffix(".class")
    sources = [POM, *LAUNCHER.joinpath("src").rglob("*.java")]
    if not (classpath_file.is_file() and main_class.is_file()
            and classpath_file.stat().st_mtime >= max(p.stat().st_mtime for p in sources)
            and all(Path(jar).is_file() for jar in classpath_file.read_text().strip().split(os.pathsep))):
        command = [tool("mvn"), "-B", "-q", "-f", str(POM), f"-Dneo4j.version={version}",
                   "compile", "dependency:build-classpath"]
        if not version.startswith("5."):
            command.insert(-2, "-Djava.release=21")  # Neo4j 2025.x and later are built for Java 21
        try:
            built = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
            raise Neo4jStartError(f"building the test Neo4j launcher (Neo4j {version}) took over "
                                  f"{BUILD_TIMEOUT:g}s (downloading from Maven Central?): {_tail(output)}") from None
        if built.returncode != 0:
            raise Neo4jStartError(f"building the test Neo4j launcher (Neo4j {version}) failed: "
                                  f"{' '.join(command[1:])} exited with {built.returncode}:\n"
                                  f"{_tail(built.stdout + built.stderr)}")
    return os.pathsep.join([str(target / "classes"), classpath_file.read_text().strip()])


@dataclass
class Neo4jServer:
    """A running launcher: one Neo4j, its data in ``directory``/data."""

    process: subprocess.Popen
    directory: Path
    bolt_uri: str
    http_uri: str
    version: str
    edition: str
    password: str = field(repr=False)
    user: str = USER

    @property
    def auth(self) -> tuple[str, str]:
        return self.user, self.password

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """What a crash is: SIGKILL, no shutdown."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._close_pipes()

    def stop(self, timeout: float = 60.0) -> None:
        """A clean shutdown: the launcher stops Neo4j when its standard input closes."""
        if self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=timeout)
            except (subprocess.TimeoutExpired, OSError):
                self.process.terminate()
                try:
                    self.process.wait(timeout=timeout / 2)
                except subprocess.TimeoutExpired:
                    self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                if pipe:
                    pipe.close()
            except OSError:
                pass


def start_neo4j(directory: Path, password: str | None = None, *, bolt_port: int = 0, http_port: int = 0,
                version: str | None = None, timeout: float = START_TIMEOUT) -> Neo4jServer:
    """Start a Neo4j whose data lives in ``directory``, reopening the data already there.

    Ports left at 0 are chosen free by the launcher; if another process takes one before
    Neo4j binds it, the start is tried again with new ones (up to three times, and only when
    no port was given)."""
    for attempt in range(3):
        try:
            return _start(directory, password, bolt_port, http_port, version, timeout)
        except Neo4jStartError as exc:
            if attempt == 2 or bolt_port or http_port or "already in use" not in str(exc).lower():
                raise
    raise AssertionError("unreachable")


def _start(directory: Path, password: str | None, bolt_port: int, http_port: int, version: str | None,
           timeout: float) -> Neo4jServer:
    version = version or pinned_version()
    classpath = launcher_classpath(version)
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    password = password or secrets.token_urlsafe(18)
    errors = directory / "launcher.err"
    env = {**os.environ, PASSWORD_VARIABLE: password}
    command = [tool("java"), "-Xms256m", "-Xmx1g", *JVM_OPTIONS, "-cp", classpath, MAIN_CLASS,
               "--data", str(directory), "--bolt-port", str(bolt_port), "--http-port", str(http_port)]
    with errors.open("wb") as stderr:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
                                   env=env, start_new_session=True)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            lines.append(line)
            if READY.match(line):
                ready.set()
        ready.set()  # end of output: the process is gone

    threading.Thread(target=read, name="neo4j-launcher-stdout", daemon=True).start()
    ready.wait(timeout)
    match = next((m for m in map(READY.match, lines) if m), None)
    if match is None:
        if process.poll() is None:
            process.kill()
        code = process.wait()
        text = errors.read_text(encoding="utf-8", errors="replace")
        reason = next((l for l in text.splitlines() if l.startswith("kgbuild-neo4j failed:")), None)
        what = (f"exited with {code}" if code >= 0 else f"killed by signal {-code}") if ready.is_set() \
            else f"was not ready within {timeout:g}s"
        raise Neo4jStartError(f"the test Neo4j {version} {what}: "
                              f"{reason or _tail(text + chr(10) + chr(10).join(lines)) or '(no output)'}\n"
                              f"(its stderr: {errors}; its logs: {directory / 'logs'})")
    return Neo4jServer(process, directory, match["bolt"], match["http"], match["version"], match["edition"],
                       password)


def neo4j_admin(args: list[str], home: Path, version: str | None = None) -> subprocess.CompletedProcess:
    """Run ``neo4j-admin ARGS`` from the launcher's jars with NEO4J_HOME=``home`` (its data in
    ``home``/data, where ``start_neo4j(home)`` looks)."""
    classpath = launcher_classpath(version)
    home = Path(home).resolve()
    (home / "conf").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    # cwd: neo4j-admin writes its import.report into the working directory.
    return subprocess.run([tool("java"), "-Xmx1g", *JVM_OPTIONS, "-cp", classpath, ADMIN_CLASS, *args], env=env, cwd=home,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)


def main() -> int:
    parser = argparse.ArgumentParser(description="Start the test Neo4j (tests/neo4j) by hand.")
    parser.add_argument("--data", type=Path, help="directory for its data (default: a new temporary one)")
    parser.add_argument("--bolt-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--http-port", type=int, default=0, help="default: a free port")
    options = parser.parse_args()
    directory = options.data or Path(tempfile.mkdtemp(prefix="kgbuild-neo4j-"))
    password = os.environ.get(PASSWORD_VARIABLE)
    print(f"building and starting Neo4j {pinned_version()} (data in {directory}) ...", file=sys.stderr)
    try:
        server = start_neo4j(directory, password, bolt_port=options.bolt_port, http_port=options.http_port)
    except (Neo4jUnavailable, Neo4jStartError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"# Neo4j {server.version} {server.edition}; Neo4j Browser: {server.http_uri}/browser/")
    print(f"export NEO4J_URI={server.bolt_uri} NEO4J_USERNAME={server.user}")
    if password is None:
        print(f"export NEO4J_PASSWORD={server.password}")
    else:
        print(f"# the password is the one in {PASSWORD_VARIABLE}")
    print("# Ctrl-C stops it", file=sys.stderr)
    sys.stdout.flush()
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
