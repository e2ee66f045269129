"""Issue 30, items 4, 5 and 8 (database path): no config text crashes or exhausts the config
reader, and a store path that cannot work says why. Each refusal exits 2 (bad config) or 1
(the store cannot be opened) with a message naming the file and line, or the path."""
import json
import os
import subprocess
import time

from conftest import BINARY, base_config


def run(args, cwd, timeout=60):
    started = time.monotonic()
    p = subprocess.run([BINARY] + args, cwd=cwd, capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode(), p.stderr.decode(), time.monotonic() - started


def write(tmp_path, text, name="config.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def valid_prefix():
    """The e2e config as YAML lines (JSON is YAML), so that the trouble comes after it."""
    return "\n".join(f"{k}: {json.dumps(v)}" for k, v in base_config().items()) + "\n"


def test_deep_nesting_is_a_located_error_not_a_crash(tmp_path):
    prefix = valid_prefix()
    line = prefix.count("\n") + 1
    cases = {
        "flow-mappings": prefix + "x: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n",
        "flow-sequences": prefix + "x: " + "[" * 5000 + "]" * 5000 + "\n",
        "block-sequences": prefix + "x:\n" + "- " * 5000 + "z\n",
    }
    for name, text in cases.items():
        path = write(tmp_path, text, name + ".yaml")
        for command in (["check-config", "--config", path], ["serve", "--config", path, "--port", "0"]):
            rc, out, err, _ = run(command, tmp_path)
            assert rc == 2, f"{name} {command[0]}: exit {rc} (a negative exit is the signal that killed it); {err[-500:]}"
            expected_line = line + (1 if name == "block-sequences" else 0)
            assert f"{path}:{expected_line}: nesting deeper than 128 levels" in err, f"{name} {command[0]}: {err[-500:]}"
            assert out == ""


def test_alias_bomb_is_refused_at_once(tmp_path):
    lines = ["a0: &a0 [x,x,x,x,x,x,x,x,x,x]"] + [
        f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    bomb = "\n".join(lines) + "\n"
    assert len(bomb) == 480
    path = write(tmp_path, valid_prefix() + bomb)
    first = valid_prefix().count("\n")
    rc, _, err, seconds = run(["check-config", "--config", path], tmp_path, timeout=30)
    assert rc == 2, err
    assert f"{path}:{first + 5}: alias *a3 takes what aliases stand for past 100000 nodes" in err, err
    assert seconds < 5


def test_small_aliases_still_work(tmp_path):
    """Anchors and aliases within the bound are read as written."""
    text = valid_prefix().replace("logging: ", "logging: &log ")
    path = write(tmp_path, text + "x-copy: *log\n")
    rc, _, err, _ = run(["check-config", "--config", path], tmp_path)
    assert rc == 2 and 'x-copy: unknown key "x-copy"' in err, err  # read past the alias
    path = write(tmp_path, text, "ok.yaml")
    rc, out, err, _ = run(["check-config", "--config", path], tmp_path)
    assert rc == 0, err
    assert json.loads(out)["logging"] == base_config()["logging"]


def test_many_keys_find_their_duplicate_in_linear_time(tmp_path):
    text = "".join(f"k{i}: 1\n" for i in range(200_000)) + "k5: 2\n"
    path = write(tmp_path, text)
    rc, _, err, seconds = run(["check-config", "--config", path], tmp_path)
    assert rc == 2
    assert f'{path}:200001: k5: duplicate key "k5"' in err, err[-300:]
    assert seconds < 10, f"{seconds:.1f} s (the quadratic check took 37 s)"


def test_database_under_a_regular_file_names_the_path_and_why(tmp_path):
    plain = tmp_path / "plain-file"
    plain.write_text("not a folder\n")
    db = str(plain / "x.sqlite")
    path = write(tmp_path, json.dumps(base_config(database={"path": db})))
    rc, out, err, _ = run(["serve", "--config", path], tmp_path)
    assert rc == 1, err
    assert f"cannot open the store {db}: {plain} is a file, not a folder" in err, err
    assert "NSCocoaErrorDomain" not in err and "(null)" not in err
    assert out == ""
    # seed and purge open the store the same way.
    for command in (["seed", "--config", path], ["purge", "--config", path]):
        rc, _, err, _ = run(command, tmp_path)
        assert rc == 1 and f"{plain} is a file, not a folder" in err, err
