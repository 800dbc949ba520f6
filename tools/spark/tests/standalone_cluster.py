"""A Spark standalone cluster on loopback for the tests: one master on 127.0.0.1:7077 and
workers of one core each, started with the pyspark package's `spark-class` launcher and always
stopped (SIGTERM, then SIGKILL) when the block ends, even on failure."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HOST = "127.0.0.1"
PORT = 7077
MASTER_UI_PORT = 18080
START_TIMEOUT_SECONDS = 240
STOP_TIMEOUT_SECONDS = 30


def spark_class():
    """The pyspark package's bin/spark-class."""
    import pyspark

    path = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-class")
    assert os.access(path, os.X_OK), f"{path}: no spark-class launcher in the pyspark package"
    return path


def port_in_use(port):
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0


def alive_workers():
    """How many workers the master reports alive (its JSON status page), -1 when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{MASTER_UI_PORT}/json/", timeout=5) as page:
            return int(json.load(page).get("aliveworkers", 0))
    except (OSError, ValueError):
        return -1


@contextlib.contextmanager
def standalone_cluster(folder, workers=2):
    """Yields the master URL of a running cluster whose logs and work folders are under `folder`."""
    assert not port_in_use(PORT), f"{HOST}:{PORT} is already in use: another Spark master is running"
    assert not port_in_use(MASTER_UI_PORT), f"{HOST}:{MASTER_UI_PORT} is already in use"
    environment = dict(os.environ, SPARK_LOCAL_IP=HOST, SPARK_DAEMON_MEMORY="512m", PYSPARK_PYTHON=sys.executable,
                       SPARK_LOG_DIR=os.path.join(folder, "logs"), SPARK_WORKER_DIR=os.path.join(folder, "work"))
    os.makedirs(environment["SPARK_LOG_DIR"], exist_ok=True)
    processes = []

    def start(name, arguments):
        log = open(os.path.join(environment["SPARK_LOG_DIR"], f"{name}.log"), "w")
        processes.append(subprocess.Popen([spark_class()] + arguments, env=environment, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
        log.close()

    url = f"spark://{HOST}:{PORT}"
    try:
        start("master", ["org.apache.spark.deploy.master.Master", "--host", HOST, "--port", str(PORT),
                         "--webui-port", str(MASTER_UI_PORT)])
        for number in range(workers):
            work = os.path.join(folder, "work", f"worker{number}")
            start(f"worker{number}", ["org.apache.spark.deploy.worker.Worker", "--host", HOST, "--cores", "1",
                                      "--memory", "1g", "--work-dir", work, "--webui-port", "0", url])
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while alive_workers() < workers:
            dead = [process.args[1] for process in processes if process.poll() is not None]
            assert not dead, f"{dead} exited early; logs in {environment['SPARK_LOG_DIR']}"
            assert time.monotonic() < deadline, \
                f"the cluster did not start in {START_TIMEOUT_SECONDS} s; logs in {environment['SPARK_LOG_DIR']}"
            time.sleep(1)
        yield url
    finally:
        stop(processes)


def stop(processes):
    """Stops every process (and its process group): SIGTERM, then SIGKILL after a grace period."""
    for process in reversed(processes):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
