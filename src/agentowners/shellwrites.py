"""What a shell command would write, and whether it switches the commit gates off.

Best effort by design (SPEC §6): the command is split with :mod:`shlex`, the
obvious write targets are collected (redirections, ``tee``, ``sed -i``,
``cp``, ``mv``, ``rm``, ``touch``, ``mkdir``, ``ln``, ``git apply``,
``git checkout -- PATH``, ``git restore``) and the gate switches are named
(``--no-verify``, ``git commit -n``, ``core.hooksPath``, ``git update-ref``,
``SKIP=`` naming our hooks). A word whose value only the shell knows
(``$VAR``, backticks, braces) is no target: what cannot be parsed is allowed,
because the commit gate and CI stay the backstop.

Nothing here touches git or the policy; paths come out absolute (or relative
to the repository root for patches) and :mod:`agentowners.guard` judges them.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
from collections.abc import Iterator, Sequence
from typing import NamedTuple


class Target(NamedTuple):
    """One path a tool call would write."""

    path: str  # absolute, or relative to the repository root when root_relative
    follow: bool = True  # content written through a symlink (False: the link itself goes)
    recursive: bool = False  # a directory removed with everything in it
    root_relative: bool = False  # a patch path, relative to the repository root
    directory: bool = False  # a directory created (judged as "path/")


class ShellEffects(NamedTuple):
    targets: tuple[Target, ...]
    switches: tuple[str, ...]  # each gate switch, in words, for the refusal


# Our pre-commit hook ids: `SKIP=<ids> git commit` turns them off.
HOOK_IDS = (
    "check-agent-policy",
    "check-agent-scope",
    "add-agent-trailer",
    "check-agent-trailer",
    "check-agent-push",
)
NO_VERIFY = "--no-verify"
# git accepts any unambiguous prefix of a long option; "--no-ver" is ambiguous
# with --no-verbose, "--no-veri" is the shortest that means --no-verify.
NO_VERIFY_SHORTEST = len("--no-veri")
# Sub-commands whose --no-verify skips one of our hooks (pre-commit, commit-msg,
# pre-push; merge and pull skip pre-merge-commit and commit-msg).
NO_VERIFY_COMMANDS = frozenset({"commit", "push", "merge", "pull"})
# `git commit` short options that take a value: the rest of a bundle is that value.
COMMIT_VALUE_FLAGS = frozenset("mFcCtuS")
# Long options of commit/push/merge/pull that take the next word as their value.
_LONG_VALUE_OPTIONS = frozenset(
    {
        "--message",
        "--file",
        "--author",
        "--date",
        "--template",
        "--trailer",
        "--reuse-message",
        "--reedit-message",
        "--fixup",
        "--squash",
        "--cleanup",
        "--repo",
        "--receive-pack",
        "--exec",
        "--push-option",
        "--strategy",
        "--strategy-option",
    }
)
HOOKS_PATH = "core.hookspath"
MAX_DEPTH = 3  # nested `sh -c '...'` levels we look into
MAX_GLOB_MATCHES = 1000
MAX_PATCH_BYTES = 8 << 20

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", "|&", ";;", ";&", ";;&"})
_WRITE_REDIRECTS = frozenset({">", ">>", ">|", "&>", "&>>", "<>", ">&"})
_READ_REDIRECTS = frozenset({"<", "<<", "<<-", "<<<", "<&"})
_PUNCTUATION = "();<>|&\n"
# An fd number glued to a redirection (`2>`, `1>>`): not an argument of the command.
_FD_PREFIX = re.compile(r"(^|[\s;&|()])\d+(?=[<>])")
_HEREDOC = re.compile(r"(?<!<)<<-?(?!<)\s*(['\"]?)([A-Za-z_][\w.-]*)\1")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_UNKNOWABLE = re.compile(r"[$`{}]")
_GLOB = re.compile(r"[*?\[]")
# Wrappers that run the next word as the command: `env X=1 git commit`, `sudo rm`.
_WRAPPERS = frozenset(
    {"env", "command", "builtin", "exec", "nohup", "time", "sudo", "doas", "nice", "timeout"}
)
_WRAPPER_VALUE_OPTIONS = frozenset({"-u", "-g", "-n", "-C", "-D", "-h", "-p", "-U", "-S"})
_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh"})


def analyse(command: str, cwd: str | None) -> ShellEffects:
    """The targets and gate switches of `command`, run in `cwd` (None: unknown)."""
    found = _Found()
    _analyse(command, cwd, found, depth=0)
    return ShellEffects(tuple(found.targets), tuple(dict.fromkeys(found.switches)))


class _Found:
    def __init__(self) -> None:
        self.targets: list[Target] = []
        self.switches: list[str] = []


def _analyse(command: str, cwd: str | None, found: _Found, depth: int) -> None:
    try:
        tokens = _tokens(_without_heredoc_bodies(command))
    except ValueError:  # unbalanced quotes: not ours to guess
        return
    stack: list[str | None] = []
    for words, redirects in _simple_commands(tokens):
        if words == ["("]:
            stack.append(cwd)
            continue
        if words == [")"]:
            cwd = stack.pop() if stack else cwd
            continue
        for operator, word in redirects:
            if operator in _WRITE_REDIRECTS and not (operator == ">&" and _is_fd(word)):
                found.targets.extend(_paths(word, cwd))
        cwd = _command(words, cwd, found, depth)


def _without_heredoc_bodies(command: str) -> str:
    """Drop here-document bodies: their lines are data, not commands."""
    lines = command.split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        kept.append(line)
        i += 1
        for match in _HEREDOC.finditer(line):
            delimiter = match.group(2)
            while i < len(lines) and lines[i].strip() != delimiter:
                i += 1
            i += 1  # the delimiter line
    return "\n".join(kept)


def _tokens(command: str) -> list[str]:
    lexer = shlex.shlex(_FD_PREFIX.sub(r"\1", command), posix=True, punctuation_chars=_PUNCTUATION)
    lexer.whitespace_split = True
    lexer.whitespace = " \t\r"
    tokens: list[str] = []
    for token in lexer:
        if token and set(token) <= set(_PUNCTUATION) and "\n" in token:
            # a newline ends a command like ';' does ("&\n" is '&' then a new command)
            operators = token.replace("\n", "")
            if operators:
                tokens.append(operators)
            tokens.append(";")
        else:
            tokens.append(token)
    return tokens


def _simple_commands(tokens: Sequence[str]) -> Iterator[tuple[list[str], list[tuple[str, str]]]]:
    """(words, [(redirect operator, target word)]) per simple command; '(' and ')' alone."""
    words: list[str] = []
    redirects: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _SEPARATORS or token in ("(", ")"):
            if words or redirects:
                yield words, redirects
            words, redirects = [], []
            if token in ("(", ")"):
                yield [token], []
        elif token in _WRITE_REDIRECTS or token in _READ_REDIRECTS:
            if i + 1 < len(tokens):
                redirects.append((token, tokens[i + 1]))
            i += 1
        elif token != "$":  # "$(" arrives as "$" then "(": the subshell is judged too
            words.append(token)
        i += 1
    if words or redirects:
        yield words, redirects


def _is_fd(word: str) -> bool:
    return word.isdigit() or word == "-"


def _paths(word: str, cwd: str | None, **flags: bool) -> list[Target]:
    """The paths a word names: ~ expanded, globs matched; none when only the shell knows."""
    if not word or _UNKNOWABLE.search(word):
        return []
    if word == "~" or word.startswith("~/"):
        word = os.path.expanduser(word)
    if not os.path.isabs(word):
        if cwd is None:
            return []
        word = os.path.join(cwd, word)
    if _GLOB.search(word):
        matches = sorted(glob.glob(word))[:MAX_GLOB_MATCHES]
        return [Target(match, **flags) for match in matches] if matches else [Target(word, **flags)]
    return [Target(word, **flags)]


def _command(words: list[str], cwd: str | None, found: _Found, depth: int) -> str | None:
    """Record one simple command's effects; return the directory after it (for `cd`)."""
    words = _strip_assignments(words, found)
    words = _strip_wrappers(words)
    if not words:
        return cwd
    name = os.path.basename(words[0])
    args = words[1:]
    if name in ("cd", "pushd"):
        return _changed_dir(args, cwd)
    script = _shell_script(args) if name in _SHELLS else None
    if script is not None and depth < MAX_DEPTH:
        _analyse(script, cwd, found, depth + 1)
    elif name == "eval" and depth < MAX_DEPTH:
        _analyse(" ".join(args), cwd, found, depth + 1)
    elif name == "git":
        _git(args, cwd, found)
    else:
        handler = _WRITERS.get(name)
        if handler is not None:
            found.targets.extend(handler(args, cwd))
    return cwd


def _strip_assignments(words: list[str], found: _Found) -> list[str]:
    i = 0
    while i < len(words) and _ASSIGNMENT.match(words[i]):
        name, _, value = words[i].partition("=")
        if name == "SKIP" and any(hook in value for hook in HOOK_IDS):
            found.switches.append(f"SKIP={value} turns agentowners' pre-commit hooks off")
        elif name.startswith("GIT_CONFIG") and HOOKS_PATH in value.lower():
            found.switches.append(f"{name} sets core.hooksPath, which moves git's hooks away")
        i += 1
    return words[i:]


def _strip_wrappers(words: list[str]) -> list[str]:
    while words and os.path.basename(words[0]) in _WRAPPERS:
        wrapper = os.path.basename(words[0])
        i = 1
        while i < len(words) and (words[i].startswith("-") or _ASSIGNMENT.match(words[i])):
            i += 2 if words[i] in _WRAPPER_VALUE_OPTIONS else 1
        if wrapper == "timeout":
            i += 1  # the duration
        words = words[i:]
    return words


def _shell_script(args: list[str]) -> str | None:
    """The script of `sh -c SCRIPT` (also `bash -lc SCRIPT`)."""
    for i, arg in enumerate(args[:-1]):
        if arg.startswith("-") and not arg.startswith("--") and "c" in arg[1:]:
            return args[i + 1]
        if not arg.startswith("-"):
            return None  # `sh script.sh -c`: -c belongs to the script
    return None


def _changed_dir(args: list[str], cwd: str | None) -> str | None:
    operands = [arg for arg in args if not arg.startswith("-")]
    if len(operands) != 1 or _UNKNOWABLE.search(operands[0]) or _GLOB.search(operands[0]):
        return None  # `cd`, `cd -`, `cd $X`: from here on relative paths are unknown
    target = os.path.expanduser(operands[0])
    if os.path.isabs(target):
        return os.path.normpath(target)
    return None if cwd is None else os.path.normpath(os.path.join(cwd, target))


# --- plain commands ----------------------------------------------------------


def _operands(args: Sequence[str], value_options: frozenset[str] = frozenset()) -> list[str]:
    """Non-option arguments; options in `value_options` take the next word."""
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            operands.extend(args[i + 1 :])
            break
        if arg.startswith("-") and arg != "-":
            if arg in value_options:
                i += 1
        else:
            operands.append(arg)
        i += 1
    return operands


def _each(operands: Sequence[str], cwd: str | None, **flags: bool) -> list[Target]:
    return [target for operand in operands for target in _paths(operand, cwd, **flags)]


def _tee(args: list[str], cwd: str | None) -> list[Target]:
    return _each(_operands(args), cwd)


def _touch(args: list[str], cwd: str | None) -> list[Target]:
    return _each(_operands(args, frozenset({"-d", "-r", "-t"})), cwd)


def _mkdir(args: list[str], cwd: str | None) -> list[Target]:
    return _each(_operands(args, frozenset({"-m"})), cwd, directory=True)


def _rm(args: list[str], cwd: str | None) -> list[Target]:
    return _each(_operands(args), cwd, follow=False, recursive=True)


def _copy_like(args: list[str], cwd: str | None, *, moves: bool, replaces: bool) -> list[Target]:
    """cp / mv / ln: the destination (inside it when it is a directory); mv's sources too.

    `replaces`: the destination's directory entry is replaced (mv, ln), so a
    symlink there is replaced, not written through.
    """
    target_dir = None
    operands: list[str] = []
    no_target_dir = False
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            operands.extend(args[i + 1 :])
            break
        if arg in ("-t", "--target-directory") and i + 1 < len(args):
            target_dir = args[i + 1]
            i += 1
        elif arg.startswith("--target-directory="):
            target_dir = arg.partition("=")[2]
        elif arg in ("-T", "--no-target-directory"):
            no_target_dir = True
        elif arg in {"-S", "--suffix"}:
            i += 1
        elif not arg.startswith("-") or arg == "-":
            operands.append(arg)
        i += 1
    if target_dir is None:
        if len(operands) < 2:
            return []
        *sources, destination = operands
    else:
        sources, destination = operands, target_dir
    found = _each(sources, cwd, follow=False) if moves else []
    into_dir = target_dir is not None or (
        not no_target_dir
        and (destination.endswith("/") or len(sources) > 1 or _is_dir(destination, cwd))
    )
    follow = not replaces
    if not into_dir:
        return found + _paths(destination, cwd, follow=follow)
    for source in sources:
        name = os.path.basename(source.rstrip("/"))
        if name and not _UNKNOWABLE.search(name):
            found.extend(_paths(os.path.join(destination, name), cwd, follow=follow))
    return found


def _is_dir(word: str, cwd: str | None) -> bool:
    return any(os.path.isdir(target.path) for target in _paths(word, cwd))


def _sed(args: list[str], cwd: str | None) -> list[Target]:
    in_place = False
    script_given = False
    operands: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            operands.extend(args[i + 1 :])
            break
        if arg.startswith("--"):
            in_place = in_place or arg.startswith("--in-place")
            if arg in ("--expression", "--file"):
                script_given = True
                i += 1
            elif arg.startswith(("--expression=", "--file=")):
                script_given = True
            elif arg == "--line-length":
                i += 1
        elif arg.startswith("-") and len(arg) > 1:
            for position, flag in enumerate(arg[1:], start=2):
                if flag == "i":  # GNU -i[SUFFIX]: the rest of the bundle is the suffix
                    in_place = True
                    # BSD sed: `-i ''` takes the suffix as the next (often empty) word
                    if position == len(arg) and i + 1 < len(args) and args[i + 1] == "":
                        i += 1
                    break
                if flag in "efl":
                    script_given = script_given or flag in "ef"
                    if position == len(arg):
                        i += 1  # the value is the next word
                    break
        else:
            operands.append(arg)
        i += 1
    if not in_place:
        return []
    return _each(operands if script_given else operands[1:], cwd)


_WRITERS = {
    "tee": _tee,
    "touch": _touch,
    "mkdir": _mkdir,
    "rm": _rm,
    "cp": lambda args, cwd: _copy_like(args, cwd, moves=False, replaces=False),
    "ln": lambda args, cwd: _copy_like(args, cwd, moves=False, replaces=True),
    "mv": lambda args, cwd: _copy_like(args, cwd, moves=True, replaces=True),
    "sed": _sed,
}


# --- git ---------------------------------------------------------------------

# Global options before the sub-command that take the next word as their value.
_GIT_VALUE_OPTIONS = frozenset(
    {"-C", "-c", "--git-dir", "--work-tree", "--namespace", "--super-prefix", "--attr-source"}
)
_CONFIG_READS = frozenset(
    {"--get", "--get-all", "--get-regexp", "--get-urlmatch", "-l", "--list", "get", "list"}
)
_CONFIG_VALUE_OPTIONS = frozenset({"-f", "--file", "--blob", "--type", "--default", "--comment"})


def _git(args: list[str], cwd: str | None, found: _Found) -> None:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        option = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        if option == "-C":
            cwd = _changed_dir([value], cwd)
        elif option == "-c" and value.lower().startswith(HOOKS_PATH):
            found.switches.append(f"git -c {value} moves git's hooks away")
        elif option.startswith("--config-env=") and HOOKS_PATH in option.lower():
            found.switches.append(f"git {option} moves git's hooks away")
        i += 2 if option in _GIT_VALUE_OPTIONS else 1
    if i >= len(args):
        return
    sub, rest = args[i], args[i + 1 :]
    if sub in NO_VERIFY_COMMANDS:
        _no_verify(sub, rest, found)
    if sub == "config":
        _git_config(rest, found)
    elif sub == "update-ref":
        found.switches.append("git update-ref moves branches without any commit hook")
    elif sub == "apply":
        found.targets.extend(_git_apply(rest, cwd))
    elif sub == "checkout" and "--" in rest:
        found.targets.extend(_pathspecs(rest[rest.index("--") + 1 :], cwd))
    elif sub == "restore":
        found.targets.extend(_pathspecs(_operands(rest, frozenset({"-s", "--source"})), cwd))


def _no_verify(sub: str, args: list[str], found: _Found) -> None:
    skipped = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break
        if arg in _LONG_VALUE_OPTIONS:
            i += 1  # `-m --no-verify` is a message, not the option
        elif len(arg) >= NO_VERIFY_SHORTEST and NO_VERIFY.startswith(arg):
            skipped = arg
        elif arg == "--verify":
            skipped = None
        elif sub == "commit" and arg.startswith("-") and not arg.startswith("--"):
            has_n, takes_next = _commit_bundle(arg)
            skipped = "-n" if has_n else skipped
            i += takes_next
        i += 1
    if skipped is not None:
        found.switches.append(f"git {sub} {skipped} skips the agentowners hooks")


def _commit_bundle(arg: str) -> tuple[bool, int]:
    """(has -n, 1 if the next word is a value) for a `git commit` short-option bundle.

    `-an` holds -n; `-mn` is -m with the message "n"; `-am` takes the next word.
    """
    for position, flag in enumerate(arg[1:], start=2):
        if flag == "n":
            return True, 0
        if flag in COMMIT_VALUE_FLAGS:
            return False, int(position == len(arg) and flag not in "uS")
    return False, 0


def _git_config(args: list[str], found: _Found) -> None:
    positional = _operands(args, _CONFIG_VALUE_OPTIONS)
    keys = [word for word in positional if word.lower() == HOOKS_PATH]
    if not keys:
        return
    reads = any(arg in _CONFIG_READS for arg in args)
    sets_value = len(positional) > positional.index(keys[0]) + 1
    changes = any(arg.startswith(("--unset", "--add", "--replace-all")) for arg in args)
    if positional[0] in ("set", "unset") or (not reads and (sets_value or changes)):
        found.switches.append("git config core.hooksPath moves git's hooks away")


def _pathspecs(words: Sequence[str], cwd: str | None) -> list[Target]:
    # pathspec magic (":(glob)…", ":/…") is git's own language: not guessed at
    return _each([word for word in words if not word.startswith(":")], cwd, follow=False)


def _git_apply(args: list[str], cwd: str | None) -> list[Target]:
    reports_only = {"--check", "--stat", "--numstat", "--summary"}
    if any(arg in reports_only for arg in args) and "--apply" not in args:
        return []
    strip = 1
    directory = ""
    patches: list[str] = []
    for arg in args:
        if arg.startswith("-p") and arg[2:].isdigit():
            strip = int(arg[2:])
        elif arg.startswith("--directory="):
            directory = arg.partition("=")[2]
        elif not arg.startswith("-"):
            patches.append(arg)
    targets: list[Target] = []
    for patch in patches:
        text = _read_small(patch, cwd)
        if text is not None:
            targets.extend(
                Target(os.path.join(directory, path), follow=False, root_relative=True)
                for path in diff_paths(text, strip)
            )
    return targets


def _read_small(word: str, cwd: str | None) -> str | None:
    paths = _paths(word, cwd)
    if len(paths) != 1:
        return None
    try:
        with open(paths[0].path, "rb") as f:
            data = f.read(MAX_PATCH_BYTES + 1)
    except OSError:
        return None
    return None if len(data) > MAX_PATCH_BYTES else data.decode("utf-8", "surrogateescape")


_DIFF_GIT = re.compile(r"diff --git (\S+) (\S+)$")


def diff_paths(text: str, strip: int = 1) -> list[str]:
    """Both sides of every file a unified diff changes (git's `-p` strip applied)."""
    paths: list[str] = []
    for line in text.splitlines():
        match = _DIFF_GIT.match(line)
        if match:
            paths.extend(_strip(path, strip) for path in match.groups())
        elif line.startswith(("--- ", "+++ ")):
            path = line[4:].split("\t", 1)[0].strip()
            if path != "/dev/null" and not path.startswith('"'):
                paths.append(_strip(path, strip))
        elif line.startswith(("rename from ", "rename to ", "copy to ")):
            paths.append(line.split(" ", 2)[2])
    return [path for path in dict.fromkeys(paths) if path]


def _strip(path: str, components: int) -> str:
    return "/".join(path.split("/")[components:])
