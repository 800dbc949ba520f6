"""Fault injection for the tests (`--inject-fault KIND:PARTITION:K`): in the first attempt of
one task, `caption` kills its process on the K-th image (KIND `caption`, through the command's
CAPTIONKIT_FAULT_EXIT_AFTER hook), or the executor's JVM is killed once K rows are out (KIND
`executor`; a cluster only: in local mode the JVM is the driver). Spark then retries the task.
"""

import os
import signal

KINDS = ("caption", "executor")


class FaultPlan:
    """Which fault to inject where. `marker_folder` (made by the driver, seen by the executors:
    the fault tests run on one machine) records that the fault happened, so that it happens
    once per job even when Spark resubmits the stage (whose task attempts count from 0 again)."""

    def __init__(self, kind, partition, after, marker_folder=None):
        self.kind = kind
        self.partition = partition
        self.after = after
        self.marker_folder = marker_folder

    @staticmethod
    def parse(text):
        """The plan `KIND:PARTITION:K` describes; ValueError with the reason otherwise."""
        parts = text.split(":")
        if len(parts) != 3 or parts[0] not in KINDS or not parts[1].isdigit() or not parts[2].isdigit() \
                or int(parts[2]) < 1:
            raise ValueError(f"--inject-fault {text}: expected KIND:PARTITION:K with KIND one of "
                             f"{', '.join(KINDS)}, PARTITION >= 0 and K >= 1")
        return FaultPlan(parts[0], int(parts[1]), int(parts[2]))

    def applies(self, task_context):
        """Whether this task attempt is the one to break: the first attempt of its partition,
        the first time (the marker file is created once)."""
        if task_context.partitionId() != self.partition or task_context.attemptNumber() != 0:
            return False
        if self.marker_folder is None:
            return True
        try:
            os.close(os.open(os.path.join(self.marker_folder, f"{self.kind}-{self.partition}"),
                             os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    def caption_environment(self, task_context, environment):
        """`environment`, plus the caption hook's variable when this attempt is to break."""
        environment = dict(environment)
        if self.kind == "caption" and self.applies(task_context):
            environment["CAPTIONKIT_FAULT_EXIT_AFTER"] = str(self.after)
        return environment

    def result_hook(self, task_context):
        """A function of the row count that kills the executor at K rows, or None."""
        if self.kind != "executor" or not self.applies(task_context):
            return None
        after = self.after

        def hook(count):
            if count >= after:
                kill_executor_jvm()
        return hook


def kill_executor_jvm():
    """Kills the nearest `java` ancestor of this Python worker with SIGKILL."""
    pid = os.getppid()
    for _ in range(8):
        if pid <= 1:
            break
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)
        with open(f"/proc/{pid}/comm") as comm:
            name = comm.read().strip()
        if name == "java":
            os.kill(pid, signal.SIGKILL)
            return
        pid = int(fields[1].split()[1])
    raise RuntimeError("fault injection: no java process among this worker's ancestors")
