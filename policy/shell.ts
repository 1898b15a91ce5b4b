// Follows a shell script as sh would run it, without running anything: variables assigned earlier and the
// environment the Command passes, quotes and field splitting, `&&`/`||`/`;`/pipes, `( )` subshells and `{ }`
// groups, if/case/loops (their bodies may or may not run), redirections anywhere in a command, here-documents,
// the files the script writes (printf/echo/cat/tee/cp/mv into a path), `sh -c`, `eval`, wrappers (env, sudo,
// timeout, xargs...). The one shell reader of the pack: every command-line tool reader reads its invocations.
//
// A value the script cannot know before it runs (an unset variable, `$(...)`, `read`) stays in the text as a
// marker (UNKNOWN_START ... UNKNOWN_END), the same marker for the same origin, so a file written to "$work/x" is
// the file later read from "$work/x". What the reader cannot follow at all (eval of such a value, a sourced
// file, a script that does not parse) is an issue: "cannot tell".

import { readDollar, ShellSyntaxError, type Segment } from "./shell-lex";
import { parseShell, type Node, type Redirect, type Word } from "./shell-parse";

const UNKNOWN_START = "\u0000";
const UNKNOWN_MID = "\u0001";
const UNKNOWN_END = "\u0002";
const MARKER = /\u0000[^\u0001]*\u0001([^\u0002]*)\u0002/g;

/** Whether a text holds a part the script cannot know before it runs. */
export function hasUnknown(text: string): boolean {
    return text.includes(UNKNOWN_START);
}

/** A text for messages: each unknown part as it was written (`$work`, `$(mktemp -d)`). */
export function shown(text: string): string {
    return text.replace(MARKER, "$1");
}

/** One word a command receives. `splits`: it holds an unquoted unknown expansion, which the shell splits into any
 *  number of words (or none), so the words after it cannot be placed. */
export interface ShellWord {
    text: string;
    splits: boolean;
    /** The word as the script writes it, quotes removed (`$overlay`), when it made exactly this one word. */
    written?: string;
}

export type Stream =
    { kind: "text"; text: string } | { kind: "output"; of: Invocation } | { kind: "unknown"; why: string };

export type FileState = { kind: "text"; text: string } | { kind: "unknown"; why: string };

export interface Invocation {
    /** The program word as run (path kept), with unknown markers. */
    program: string;
    /** The program's name: the last path segment. */
    name: string;
    args: ShellWord[];
    stdin: Stream | undefined;
    /** Inside if/case/a loop/after `||`: it may not run. */
    conditional: boolean;
    /** What a path held when this command ran: undefined when the script never wrote it. */
    readFile(path: string): FileState | undefined;
}

export interface ShellReading {
    invocations: Invocation[];
    /** Why part of the script cannot be followed ("cannot tell"). */
    issues: string[];
}

export interface ShellOptions {
    /** The Command's `environment`: a string value is known, anything else (a secret, an unknown) is not. */
    environment?: Record<string, unknown>;
    /** The Command's `stdin`. */
    stdin?: Stream;
}

interface Variable {
    value: string;
    exported: boolean;
}

interface Context {
    vars: Map<string, Variable>;
    files: Map<string, FileState>;
    conditional: boolean;
    depth: number;
    reading: ShellReading;
    counter: { next: number };
}

const MAX_DEPTH = 8;

function unknownText(id: string, what: string): string {
    return `${UNKNOWN_START}${id}${UNKNOWN_MID}${what}${UNKNOWN_END}`;
}

function fresh(ctx: Context, what: string): string {
    return unknownText(`#${ctx.counter.next++}`, what);
}

function variable(ctx: Context, name: string): string | undefined {
    return ctx.vars.get(name)?.value;
}

/** A segment's value: text, a variable (an unset one is unknown: the process may carry it), or unknown. */
function segmentValue(segment: Segment, ctx: Context): string {
    switch (segment.kind) {
        case "text":
            return segment.text;
        case "opaque":
            return fresh(ctx, segment.shown);
        case "command":
            runNested(segment.source, ctx, cloneVars(ctx.vars), "a command substitution");
            return fresh(ctx, `$(${segment.source.trim()})`);
        case "param": {
            const value = variable(ctx, segment.name);
            const unknown = unknownText(`$${segment.name}`, `$${segment.name}`);
            const { op } = segment;
            if (op === undefined) return value ?? unknown;
            const emptyCounts = op.startsWith(":");
            const isSet = value !== undefined && !(emptyCounts && value === "");
            const argument = (): string => expandString(hereDocSegments(segment.arg ?? ""), ctx);
            if (op.endsWith("-") || op.endsWith("=")) {
                if (isSet) return value;
                if (value === undefined) return fresh(ctx, `\${${segment.name}${op}${segment.arg}}`);
                const given = argument();
                if (op.endsWith("=")) ctx.vars.set(segment.name, { value: given, exported: false });
                return given;
            }
            if (op.endsWith("+")) {
                if (value === undefined) return fresh(ctx, `\${${segment.name}${op}${segment.arg}}`);
                return isSet ? argument() : "";
            }
            return value ?? unknown;
        }
    }
}

/** A word as one string, no field splitting (assignments, here-documents, redirection targets). */
function expandString(word: Word, ctx: Context): string {
    return word.map((segment) => segmentValue(segment, ctx)).join("");
}

/** A word's fields: unquoted expansions are split on blanks (IFS default); an empty unquoted expansion alone
 *  makes no word. */
function expandWord(word: Word, ctx: Context): ShellWord[] {
    const fields: ShellWord[] = [];
    let current: ShellWord = { text: "", splits: false };
    let real = false;
    const finish = (): void => {
        if (real) fields.push(current);
        current = { text: "", splits: false };
        real = false;
    };
    for (const segment of word) {
        const value = segmentValue(segment, ctx);
        if (segment.quoted || segment.kind === "text") {
            current.text += value;
            real = true;
        } else if (hasUnknown(value)) {
            current.text += value;
            current.splits = true;
            real = true;
        } else {
            const pieces = value.split(/[ \t\n]+/);
            pieces.forEach((piece, index) => {
                if (index > 0) finish();
                if (piece !== "") {
                    current.text += piece;
                    real = true;
                }
            });
        }
    }
    finish();
    if (fields.length === 1) fields[0].written = writtenForm(word);
    return fields;
}

/** A word as written, for messages: variables and substitutions by name, quotes removed. */
function writtenForm(word: Word): string {
    return word
        .map((segment) => {
            switch (segment.kind) {
                case "text":
                    return segment.text;
                case "param":
                    return segment.op === undefined
                        ? `$${segment.name}`
                        : `\${${segment.name}${segment.op}${segment.arg}}`;
                case "command":
                    return `$(${segment.source.trim()})`;
                case "opaque":
                    return segment.shown;
            }
        })
        .join("");
}

/** The segments of a here-document body whose delimiter was not quoted: `$` and backquotes expand, a backslash
 *  escapes only $ ` \ and a newline, quotes are plain characters (XCU 2.7.4). */
function hereDocSegments(body: string): Word {
    const segments: Segment[] = [];
    let text = "";
    const flushText = (): void => {
        if (text !== "") segments.push({ kind: "text", text, quoted: true });
        text = "";
    };
    for (let i = 0; i < body.length;) {
        const char = body[i];
        if (char === "\\" && i + 1 < body.length && "$`\\\n".includes(body[i + 1])) {
            if (body[i + 1] !== "\n") text += body[i + 1];
            i += 2;
        } else if (char === "$") {
            const dollar = readDollar(body, i, true);
            if (dollar) {
                flushText();
                segments.push(dollar.segment);
                i = dollar.end;
            } else {
                text += "$";
                i++;
            }
        } else if (char === "`") {
            const end = body.indexOf("`", i + 1);
            if (end < 0) {
                text += body.slice(i);
                break;
            }
            flushText();
            segments.push({ kind: "command", source: body.slice(i + 1, end), quoted: true });
            i = end + 1;
        } else {
            text += char;
            i++;
        }
    }
    flushText();
    return segments;
}

function cloneVars(vars: Map<string, Variable>): Map<string, Variable> {
    return new Map([...vars].map(([name, entry]) => [name, { ...entry }]));
}

function exportedOnly(vars: Map<string, Variable>): Map<string, Variable> {
    return new Map([...vars].filter(([, entry]) => entry.exported).map(([name, entry]) => [name, { ...entry }]));
}

function issue(ctx: Context, why: string): void {
    if (!ctx.reading.issues.includes(why)) ctx.reading.issues.push(why);
}

/** Runs a script text in a context of its own (same files): `sh -c`, `eval`, a command substitution. */
function runNested(source: string, ctx: Context, vars: Map<string, Variable>, what: string): void {
    if (ctx.depth >= MAX_DEPTH) {
        issue(ctx, `${what} nested more than ${MAX_DEPTH} deep`);
        return;
    }
    let nodes: Node[];
    try {
        nodes = parseShell(source);
    } catch (error) {
        if (!(error instanceof ShellSyntaxError)) throw error;
        issue(ctx, `${what} is not a shell script sh can run (${error.message})`);
        return;
    }
    const inner: Context = { ...ctx, vars, depth: ctx.depth + 1 };
    runList(nodes, inner, undefined);
}

// Programs that run the rest of their words as a command (GNU coreutils env, nice, nohup, timeout, stdbuf;
// sudo; bash builtins command, exec, builtin, time). The value-taking flags of each, to find the program.
const WRAPPERS: Record<string, { valueFlags: string[]; leading?: number }> = {
    command: { valueFlags: [] },
    exec: { valueFlags: ["-a"] },
    builtin: { valueFlags: [] },
    time: { valueFlags: ["-f", "-o"] },
    nohup: { valueFlags: [] },
    setsid: { valueFlags: [] },
    env: { valueFlags: ["-u", "-C", "-S", "--unset", "--chdir"] },
    sudo: { valueFlags: ["-u", "-g", "-p", "-C", "-D", "-h", "-r", "-t", "-U", "-T"] },
    doas: { valueFlags: ["-u", "-C"] },
    nice: { valueFlags: ["-n", "--adjustment"] },
    ionice: { valueFlags: ["-c", "-n", "-p"] },
    stdbuf: { valueFlags: ["-i", "-o", "-e"] },
    timeout: { valueFlags: ["-s", "-k", "--signal", "--kill-after"], leading: 1 },
    xargs: { valueFlags: ["-I", "-n", "-P", "-d", "-L", "-s", "-E", "-a", "-i"] },
};

export const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox"]);

/** The program name a word runs: `/tmp/out/bin/istioctl` -> `istioctl`. */
export function programName(word: string): string {
    return word.slice(word.lastIndexOf("/") + 1);
}

/** Strips wrappers: the words of the command the wrapper runs, with env's NAME=VALUE words as assignments. */
function unwrap(words: ShellWord[], ctx: Context): { words: ShellWord[]; env: Map<string, string> } {
    const env = new Map<string, string>();
    let rest = words;
    for (let guard = 0; guard < 8 && rest.length > 0; guard++) {
        const name = programName(rest[0].text);
        const wrapper = WRAPPERS[name];
        if (!wrapper || rest[0].splits) break;
        let i = 1;
        let leading = wrapper.leading ?? 0;
        while (i < rest.length) {
            const word = rest[i].text;
            if (word === "--") {
                i++;
                break;
            }
            if (word.startsWith("-") && word.length > 1) {
                i += wrapper.valueFlags.includes(word) ? 2 : 1;
                continue;
            }
            if ((name === "env" || name === "sudo") && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
                const equals = word.indexOf("=");
                env.set(word.slice(0, equals), word.slice(equals + 1));
                i++;
                continue;
            }
            if (leading > 0) {
                leading--;
                i++;
                continue;
            }
            break;
        }
        rest = rest.slice(i);
        // xargs adds words read from its input: any number, any content.
        if (name === "xargs") rest = [...rest, { text: fresh(ctx, "(words xargs reads)"), splits: true }];
    }
    return { words: rest, env };
}

const DEV_FILES = /^\/dev\/(null|stdout|stderr|fd\/\d+|tty)$/;

// Programs that only read the files they name: the files keep their content. Any other program given a file the
// script wrote may have changed it (sed -i, yq -i, a tool writing its output there): its content is then unknown.
const FILE_READERS = new Set([
    "cat",
    "grep",
    "egrep",
    "fgrep",
    "head",
    "tail",
    "wc",
    "ls",
    "stat",
    "test",
    "[",
    "[[",
    "chmod",
    "chown",
    "diff",
    "cmp",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "base64",
    "echo",
    "printf",
    "istioctl",
    "helm",
    "kubectl",
    "asmcli",
    "gcloud",
    "aliyun",
    "file",
    "readlink",
    "realpath",
    "dirname",
    "basename",
]);

/** printf FORMAT ARGS (%s, %b, %d, %%, escapes), the format reused while arguments remain; undefined for any other
 *  conversion. */
function printfText(args: ShellWord[]): string | undefined {
    if (args.length === 0) return undefined;
    const escapes = (text: string): string =>
        text.replace(/\\([\\nrt"'])/g, (_, char: string) => ({ n: "\n", r: "\r", t: "\t" })[char] ?? char);
    const format = escapes(args[0].text);
    const values = args.slice(1).map((word) => word.text);
    // Only %s, %b, %d and %% are read; any other conversion makes the output unknown.
    if (/%[^%sbd]/.test(format.replace(/%%/g, ""))) return undefined;
    let out = "";
    let index = 0;
    do {
        out += format.replace(/%(%|s|b|d)/g, (_, conversion: string) => {
            if (conversion === "%") return "%";
            const value = values[index++] ?? "";
            return conversion === "b" ? escapes(value) : value;
        });
    } while (index < values.length && /%[sbd]/.test(format));
    return out;
}

interface Outcome {
    stdout: Stream;
}

function streamText(stream: Stream | undefined): string | undefined {
    return stream?.kind === "text" ? stream.text : undefined;
}

/** The input a command's redirections give it (here-document, here-string, `< file`), else `stdin`. */
function inputOf(redirects: Redirect[], ctx: Context, stdin: Stream | undefined): Stream | undefined {
    let input = stdin;
    for (const redirect of redirects) {
        if (redirect.fd !== undefined && redirect.fd !== 0) continue;
        if ((redirect.op === "<<" || redirect.op === "<<-") && redirect.hereDoc) {
            const { body, expand } = redirect.hereDoc;
            input = { kind: "text", text: expand ? expandString(hereDocSegments(body), ctx) : body };
        } else if (redirect.op === "<<<") {
            input = { kind: "text", text: `${expandString(redirect.target, ctx)}\n` };
        } else if (redirect.op === "<") {
            const path = expandString(redirect.target, ctx);
            const file = ctx.files.get(path);
            input =
                file?.kind === "text"
                    ? { kind: "text", text: file.text }
                    : { kind: "unknown", why: file?.why ?? `the file ${shown(path)} is not written by the script` };
        }
    }
    return input;
}

function write(ctx: Context, path: string, content: FileState, append: boolean): void {
    if (DEV_FILES.test(path)) return;
    const before = ctx.files.get(path);
    if (append && before !== undefined) {
        content =
            before.kind === "text" && content.kind === "text"
                ? { kind: "text", text: before.text + content.text }
                : { kind: "unknown", why: before.kind === "unknown" ? before.why : (content as { why: string }).why };
    }
    ctx.files.set(
        path,
        ctx.conditional
            ? { kind: "unknown", why: `${shown(path)} is written only in a branch (if, case, a loop or after ||)` }
            : content,
    );
}

/** Output redirections: what the command prints goes to the files it names. Answers what stays on stdout. */
function applyOutput(redirects: Redirect[], ctx: Context, stdout: Stream, program: string): Stream {
    let out = stdout;
    for (const redirect of redirects) {
        const { op } = redirect;
        if (!(op === ">" || op === ">>" || op === ">|" || op === "&>" || op === "&>>" || op === "<>")) continue;
        const path = expandString(redirect.target, ctx);
        const toStdout = redirect.fd === undefined || redirect.fd === 1 || op.startsWith("&");
        const content: FileState = !toStdout
            ? { kind: "unknown", why: `${shown(path)} holds what ${program} writes on another stream` }
            : out.kind === "text"
              ? { kind: "text", text: out.text }
              : { kind: "unknown", why: `${shown(path)} holds the output of ${program}` };
        write(ctx, path, content, op.endsWith(">>"));
        if (toStdout) out = { kind: "text", text: "" };
    }
    return out;
}

const ASSIGNING_BUILTINS = new Set(["export", "readonly", "local", "declare", "typeset"]);

function assign(ctx: Context, name: string, value: string, exported: boolean): void {
    const before = ctx.vars.get(name);
    ctx.vars.set(name, { value, exported: exported || (before?.exported ?? false) });
}

function runSimple(node: Extract<Node, { kind: "simple" }>, ctx: Context, stdin: Stream | undefined): Outcome {
    const assignments = node.assignments.map(({ name, value }) => ({ name, value: expandString(value, ctx) }));
    const expanded = node.words.flatMap((word) => expandWord(word, ctx));
    if (expanded.length === 0) {
        for (const { name, value } of assignments) assign(ctx, name, value, false);
        applyOutput(node.redirects, ctx, { kind: "text", text: "" }, "the shell");
        return { stdout: { kind: "text", text: "" } };
    }
    const { words, env } = unwrap(expanded, ctx);
    const input = inputOf(node.redirects, ctx, stdin);
    if (words.length === 0) return { stdout: { kind: "text", text: "" } };
    const [programWord, ...args] = words;
    const name = programName(programWord.text);
    const childVars = (): Map<string, Variable> => {
        const vars = exportedOnly(ctx.vars);
        for (const { name: key, value } of assignments) vars.set(key, { value, exported: true });
        for (const [key, value] of env) vars.set(key, { value, exported: true });
        return vars;
    };
    let stdout: Stream | undefined;
    if (ASSIGNING_BUILTINS.has(name)) {
        for (const arg of args) {
            const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=([\s\S]*))?$/.exec(arg.text);
            if (!match) continue;
            if (match[2] !== undefined) assign(ctx, match[1], match[2], name === "export");
            else if (name === "export" && ctx.vars.has(match[1])) ctx.vars.get(match[1])!.exported = true;
        }
        stdout = { kind: "text", text: "" };
    } else if (name === "unset") {
        for (const arg of args) if (!arg.text.startsWith("-")) ctx.vars.set(arg.text, { value: "", exported: false });
        stdout = { kind: "text", text: "" };
    } else if (name === "read" || name === "getopts" || name === "mapfile" || name === "readarray") {
        for (const arg of args) {
            if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(arg.text))
                assign(ctx, arg.text, fresh(ctx, `(what ${name} reads into ${arg.text})`), false);
        }
        stdout = { kind: "text", text: "" };
    } else if (name === "eval") {
        const source = args.map((arg) => arg.text).join(" ");
        if (hasUnknown(source)) issue(ctx, `runs \`eval ${shown(source)}\`, whose text is not known before it runs`);
        else runNested(source, ctx, ctx.vars, "eval");
        stdout = { kind: "output", of: record(ctx, programWord, args, input) };
    } else if (name === "trap" && args[0] !== undefined && !args[0].text.startsWith("-")) {
        // The trap's text runs later (on exit or a signal): followed with the files as they are now.
        if (hasUnknown(args[0].text)) issue(ctx, `sets a trap whose text is not known before it runs`);
        else runNested(args[0].text, { ...ctx, files: new Map(ctx.files), conditional: true }, ctx.vars, "a trap");
        stdout = { kind: "text", text: "" };
    } else if (name === "source" || name === ".") {
        const file = args[0] ? ctx.files.get(args[0].text) : undefined;
        if (file?.kind === "text") runNested(file.text, ctx, ctx.vars, `the sourced ${shown(args[0].text)}`);
        else issue(ctx, `sources ${shown(args[0]?.text ?? "")}, a file the script does not write`);
        stdout = { kind: "unknown", why: "the output of a sourced file" };
    } else if (SHELLS.has(name) && !programWord.splits) {
        stdout = runShell(programWord, args, ctx, childVars(), input);
    } else if (name === "echo" && !programWord.splits) {
        let rest = args;
        let newline = true;
        while (rest.length > 0 && /^-[neE]+$/.test(rest[0].text)) {
            if (rest[0].text.includes("n")) newline = false;
            rest = rest.slice(1);
        }
        stdout = { kind: "text", text: rest.map((arg) => arg.text).join(" ") + (newline ? "\n" : "") };
    } else if (name === "printf" && !programWord.splits) {
        if (args[0]?.text === "-v" && args[1]) {
            const text = printfText(args.slice(2));
            assign(ctx, args[1].text, text ?? fresh(ctx, "(printf -v)"), false);
            stdout = { kind: "text", text: "" };
        } else {
            const text = printfText(args);
            stdout =
                text === undefined
                    ? { kind: "unknown", why: "printf with a conversion other than %s" }
                    : { kind: "text", text };
        }
    } else if (
        name === "cat" &&
        !programWord.splits &&
        args.every((arg) => !arg.text.startsWith("-") || arg.text === "-")
    ) {
        const parts =
            args.length === 0 ? [input] : args.map((arg) => (arg.text === "-" ? input : fileStream(ctx, arg.text)));
        const texts = parts.map(streamText);
        const missing = parts.find((part) => part?.kind !== "text");
        stdout = texts.every((text) => text !== undefined)
            ? { kind: "text", text: texts.join("") }
            : missing?.kind === "unknown"
              ? missing
              : { kind: "unknown", why: "cat of an input the script does not write" };
    } else if (name === "tee" && !programWord.splits) {
        const append = args.some((arg) => arg.text === "-a" || arg.text === "--append");
        const content: FileState =
            input?.kind === "text"
                ? { kind: "text", text: input.text }
                : { kind: "unknown", why: "tee of an input the pack cannot read" };
        for (const arg of args) if (!arg.text.startsWith("-")) write(ctx, arg.text, content, append);
        stdout = input ?? { kind: "unknown", why: "tee without input" };
    } else if (
        (name === "cp" || name === "mv") &&
        args.length === 2 &&
        args.every((arg) => !arg.text.startsWith("-"))
    ) {
        const source = ctx.files.get(args[0].text);
        write(
            ctx,
            args[1].text,
            source ?? {
                kind: "unknown",
                why: `${shown(args[1].text)} is a copy of ${shown(args[0].text)}, which the script does not write`,
            },
            false,
        );
        if (name === "mv") ctx.files.delete(args[0].text);
        stdout = { kind: "text", text: "" };
    } else {
        const invocation = record(ctx, programWord, args, input);
        if (name === "rm") for (const arg of args) ctx.files.delete(arg.text);
        else if (!FILE_READERS.has(name)) {
            for (const arg of args) {
                if (ctx.files.has(arg.text))
                    ctx.files.set(arg.text, {
                        kind: "unknown",
                        why: `${shown(arg.text)} is given to ${shown(programWord.text)}, which may change it`,
                    });
            }
        }
        stdout = { kind: "output", of: invocation };
    }
    return { stdout: applyOutput(node.redirects, ctx, stdout, shown(programWord.text)) };
}

function fileStream(ctx: Context, path: string): Stream {
    const file = ctx.files.get(path);
    if (file?.kind === "text") return { kind: "text", text: file.text };
    return { kind: "unknown", why: file?.why ?? `${shown(path)} is not written by the script` };
}

/** `sh -c SCRIPT`, `bash -ec SCRIPT`, `sh -s < input`, `sh FILE`: the script is followed in a child shell that sees
 *  only exported variables. */
function runShell(
    programWord: ShellWord,
    args: ShellWord[],
    ctx: Context,
    vars: Map<string, Variable>,
    input: Stream | undefined,
): Stream {
    for (let i = 0; i < args.length; i++) {
        const arg = args[i].text;
        if (!arg.startsWith("-") && !arg.startsWith("+")) {
            // A script file, run as a program: the command readers judge it by its name and words.
            return { kind: "output", of: record(ctx, args[i], args.slice(i + 1), input) };
        }
        if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(arg)) {
            const script = args[i + 1];
            if (script === undefined) return { kind: "text", text: "" };
            if (hasUnknown(script.text))
                issue(
                    ctx,
                    `runs \`${programName(programWord.text)} -c ${shown(script.text)}\`, a script not known before it runs`,
                );
            else runNested(script.text, ctx, vars, `${programName(programWord.text)} -c`);
            return { kind: "unknown", why: "the output of a nested shell" };
        }
        if (arg === "-o" || arg === "+o" || arg === "-O" || arg === "+O") i++;
    }
    // No -c and no file: the shell reads its script from stdin.
    const text = streamText(input);
    if (text !== undefined)
        runNested(text, ctx, vars, `${programName(programWord.text)} reading its script from stdin`);
    else issue(ctx, `runs ${programName(programWord.text)} on a script from its input, which the pack cannot read`);
    return { kind: "unknown", why: "the output of a nested shell" };
}

function record(ctx: Context, programWord: ShellWord, args: ShellWord[], stdin: Stream | undefined): Invocation {
    const files = new Map(ctx.files);
    const invocation: Invocation = {
        program: programWord.text,
        name: programName(programWord.text),
        args,
        stdin,
        conditional: ctx.conditional,
        readFile: (path) => files.get(path),
    };
    ctx.reading.invocations.push(invocation);
    return invocation;
}

/** Runs nodes in order; answers the stdout of the last one. */
function runList(nodes: Node[], ctx: Context, stdin: Stream | undefined): Stream {
    let out: Stream = { kind: "text", text: "" };
    for (const node of nodes) out = runNode(node, ctx, stdin);
    return out;
}

/** Bodies that may run or not: each from the same start; a variable any of them changes is unknown after. */
function runBranches(bodies: Node[][], ctx: Context, loopVariable: string | undefined): void {
    const changed = new Set<string>();
    for (const body of bodies) {
        const vars = cloneVars(ctx.vars);
        if (loopVariable !== undefined)
            vars.set(loopVariable, { value: fresh(ctx, `$${loopVariable}`), exported: false });
        runList(body, { ...ctx, vars, conditional: true }, undefined);
        for (const [name, entry] of vars) if (ctx.vars.get(name)?.value !== entry.value) changed.add(name);
    }
    for (const name of changed) assign(ctx, name, fresh(ctx, `$${name}`), false);
}

function runNode(node: Node, ctx: Context, stdin: Stream | undefined): Stream {
    switch (node.kind) {
        case "simple":
            return runSimple(node, ctx, stdin).stdout;
        case "subshell": {
            const out = runList(node.body, { ...ctx, vars: cloneVars(ctx.vars) }, inputOf(node.redirects, ctx, stdin));
            return applyOutput(node.redirects, ctx, out, "a subshell");
        }
        case "group": {
            const out = runList(node.body, ctx, inputOf(node.redirects, ctx, stdin));
            return applyOutput(node.redirects, ctx, out, "a group");
        }
        case "branches":
            for (const word of node.tested) expandWord(word, ctx);
            runBranches(node.bodies, ctx, node.loopVariable);
            applyOutput(node.redirects, ctx, { kind: "unknown", why: "the output of a branch" }, "a branch");
            return { kind: "unknown", why: "the output of a branch" };
        case "pipeline": {
            // Each command of a pipeline runs in a subshell (bash; dash), fed by the one before.
            let input = stdin;
            for (const command of node.commands) input = runNode(command, { ...ctx, vars: cloneVars(ctx.vars) }, input);
            return input ?? { kind: "unknown", why: "a pipeline" };
        }
        case "and-or": {
            let out = runNode(node.first, ctx, stdin);
            for (const { op, node: next } of node.rest) {
                // After ||, a command runs only when the one before failed.
                if (op === "||") {
                    runBranches([[next]], ctx, undefined);
                    out = { kind: "unknown", why: "the output of ||" };
                } else out = runNode(next, ctx, stdin);
            }
            return out;
        }
    }
}

/** Every command a shell text runs, as it would run them, and what could not be followed. */
export function readShell(text: string, options: ShellOptions = {}): ShellReading {
    const reading: ShellReading = { invocations: [], issues: [] };
    const vars = new Map<string, Variable>();
    for (const [name, value] of Object.entries(options.environment ?? {})) {
        vars.set(name, {
            value: typeof value === "string" ? value : unknownText(`env:${name}`, `$${name}`),
            exported: true,
        });
    }
    const ctx: Context = { vars, files: new Map(), conditional: false, depth: 0, reading, counter: { next: 0 } };
    let nodes: Node[];
    try {
        nodes = parseShell(text);
    } catch (error) {
        if (!(error instanceof ShellSyntaxError)) throw error;
        reading.issues.push(`the script is not one sh can run (${error.message})`);
        return reading;
    }
    runList(nodes, ctx, options.stdin);
    return reading;
}
