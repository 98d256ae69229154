"""Scale-out: scripts/scale-out --short runs a shared database, Redis, two
instances and nginx, puts a mixed load through nginx and checks that no
write through one instance is followed by a stale read through the other
or through nginx, and that the rate limits are shared. It runs on the
engines it can: SQLite always, PostgreSQL (with a streaming replica that
both instances read from) when its server binaries are installed."""
import glob
import os
import re
import shutil
import subprocess
import unittest

from harness import BIN, ENGINE, SOURCE_DIR, main

SCRIPT = os.path.join(SOURCE_DIR, "scripts", "scale-out")


def missing_tools():
    return [t for t in ("redis-server", "nginx", "wrk")
            if shutil.which(t) is None and not os.path.exists("/usr/sbin/" + t)]


PG_FOUND = bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


# It starts databases of its own: the pass with FH_TEST_PG set adds nothing.
@unittest.skipIf(ENGINE == "postgres", "starts its own databases; run in the SQLite pass")
class ScaleOutTest(unittest.TestCase):
    def run_script(self, *args):
        missing = missing_tools()
        if missing:
            self.skipTest("not installed: %s (scripts/install-deps)" % ", ".join(missing))
        env = dict(os.environ, FH_BIN=BIN)
        p = subprocess.run([SCRIPT, "--short"] + list(args), env=env,
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr[-4000:])
        self.assertIn("passed: no stale read", p.stderr)
        self.assertIn(", 0 failures", p.stderr)
        return p.stderr

    def test_two_instances_on_one_sqlite_file_never_read_stale(self):
        self.run_script("--db", "sqlite")

    @unittest.skipUnless(PG_FOUND, "PostgreSQL's server binaries are not installed")
    def test_two_instances_on_postgresql_and_a_replica_never_read_stale(self):
        out = self.run_script("--db", "pg", "--replica")
        m = re.search(r"requests the replica served: (\d+)", out)
        self.assertIsNotNone(m, out[-2000:])
        self.assertGreater(int(m.group(1)), 0)


if __name__ == "__main__":
    main()
