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

from agentowners.protocols import Target


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
# pre-push; merge and pull skip pre-merge-commit and commit-msg), with their short
# options that take a value (`-m msg`, `-mmsg`) and those whose value is attached.
NO_VERIFY_COMMANDS = {
    "commit": ("mFcCt", "uS"),
    "push": ("o", ""),
    "merge": ("mFsX", ""),
    "pull": ("msX", ""),
}
# Their long options that may take the next word as their value.
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
    operands = _options(args).operands
    if (
        len(operands) != 1
        or operands[0] == "-"
        or _UNKNOWABLE.search(operands[0])
        or _GLOB.search(operands[0])
    ):
        return None  # `cd`, `cd -`, `cd $X`: from here on relative paths are unknown
    target = os.path.expanduser(operands[0])
    if os.path.isabs(target):
        return os.path.normpath(target)
    return None if cwd is None else os.path.normpath(os.path.join(cwd, target))


# --- plain commands ----------------------------------------------------------


class _Options(NamedTuple):
    operands: list[str]
    flags: list[tuple[str, str]]  # (option, its value or ""), short bundles split up

    def has(self, *names: str) -> bool:
        return any(name in names for name, _ in self.flags)

    def value(self, *names: str) -> str | None:
        values = [value for name, value in self.flags if name in names]
        return values[-1] if values else None


def _options(
    args: Sequence[str],
    takes_value: str = "",
    long_values: frozenset[str] = frozenset(),
    optional_value: str = "",
) -> _Options:
    """Options and operands the getopt way (also git's parse-options).

    `takes_value`: short options whose value is the rest of the bundle or the
    next word (`-m msg`, `-mmsg`); `optional_value`: short options whose value
    can only be attached (`-i.bak`); `long_values`: long options whose value
    may be the next word (`--file x`; `--file=x` always works).
    """
    operands: list[str] = []
    flags: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            operands.extend(args[i + 1 :])
            break
        if arg.startswith("--"):
            name, equals, value = arg.partition("=")
            if not equals and name in long_values and i + 1 < len(args):
                i += 1
                value = args[i]
            flags.append((name, value))
        elif arg.startswith("-") and arg != "-":
            for position, flag in enumerate(arg[1:], start=2):
                rest = arg[position:]
                if flag in takes_value and not rest and i + 1 < len(args):
                    i += 1
                    rest = args[i]
                if flag in takes_value or flag in optional_value:
                    flags.append((f"-{flag}", rest))
                    break
                flags.append((f"-{flag}", ""))
        else:
            operands.append(arg)
        i += 1
    return _Options(operands, flags)


def _each(operands: Sequence[str], cwd: str | None, **flags: bool) -> list[Target]:
    return [target for operand in operands for target in _paths(operand, cwd, **flags)]


def _tee(args: list[str], cwd: str | None) -> list[Target]:
    return _each(_options(args).operands, cwd)


def _touch(args: list[str], cwd: str | None) -> list[Target]:
    return _each(_options(args, "drt", frozenset({"--date", "--reference"})).operands, cwd)


def _mkdir(args: list[str], cwd: str | None) -> list[Target]:
    operands = _options(args, "m", frozenset({"--mode"})).operands
    return _each(operands, cwd, directory=True)


def _rm(args: list[str], cwd: str | None) -> list[Target]:
    return _each(_options(args).operands, cwd, follow=False, recursive=True)


def _copy_like(args: list[str], cwd: str | None, *, moves: bool, replaces: bool) -> list[Target]:
    """cp / mv / ln: the destination (inside it when it is a directory); mv's sources too.

    `replaces`: the destination's directory entry is replaced (mv, ln), so a
    symlink there is replaced, not written through.
    """
    options = _options(args, "tS", frozenset({"--target-directory", "--suffix"}))
    target_dir = options.value("-t", "--target-directory")
    operands = options.operands
    if target_dir is None:
        if len(operands) < 2:
            return []
        *sources, destination = operands
    else:
        sources, destination = operands, target_dir
    found = _each(sources, cwd, follow=False) if moves else []
    into_dir = target_dir is not None or (
        not options.has("-T", "--no-target-directory")
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
    # BSD sed takes the in-place suffix as its own, often empty, word: `sed -i '' …`
    args = [arg for i, arg in enumerate(args) if arg or i == 0 or args[i - 1] != "-i"]
    options = _options(
        args, "efl", frozenset({"--expression", "--file", "--line-length"}), optional_value="i"
    )
    in_place = options.has("-i") or any(name == "--in-place" for name, _ in options.flags)
    if not in_place:
        return []
    script_given = options.has("-e", "-f", "--expression", "--file")
    return _each(options.operands if script_given else options.operands[1:], cwd)


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
_CONFIG_VALUE_OPTIONS = frozenset({"--file", "--blob", "--type", "--default", "--comment"})


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
        operands = _options(rest, "s", frozenset({"--source"})).operands
        found.targets.extend(_pathspecs(operands, cwd))


def _no_verify(sub: str, args: list[str], found: _Found) -> None:
    takes_value, optional_value = NO_VERIFY_COMMANDS[sub]
    options = _options(args, takes_value, _LONG_VALUE_OPTIONS, optional_value)
    skipped = None
    for name, _ in options.flags:  # the last of --no-verify / --verify wins
        if len(name) >= NO_VERIFY_SHORTEST and NO_VERIFY.startswith(name):
            skipped = name
        elif name == "--verify":
            skipped = None
        elif sub == "commit" and name == "-n":
            skipped = name
    if skipped is not None:
        found.switches.append(f"git {sub} {skipped} skips the agentowners hooks")


def _git_config(args: list[str], found: _Found) -> None:
    positional = _options(args, "f", _CONFIG_VALUE_OPTIONS).operands
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
    options = _options(args, "pC", frozenset({"--directory", "--include", "--exclude"}))
    if options.has("--check", "--stat", "--numstat", "--summary") and not options.has("--apply"):
        return []  # reports on the patch, applies nothing
    strip = options.value("-p") or "1"
    directory = options.value("--directory") or ""
    targets: list[Target] = []
    for patch in options.operands:
        text = _read_small(patch, cwd)
        if text is not None and strip.isdigit():
            targets.extend(
                Target(os.path.join(directory, path), follow=False, root_relative=True)
                for path in diff_paths(text, int(strip))
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
