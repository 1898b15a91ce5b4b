// What a `@pulumi/command` Command runs: `command:local:Command` (create, update, delete, run by `interpreter`,
// default `/bin/sh -c`, with `environment` and `stdin`) and `command:remote:Command` (the same texts run by the
// remote login shell over SSH). Schema: pulumi/pulumi-command provider/cmd/pulumi-resource-command/schema.json
// (v1.x): local.Command create/update/delete/environment/interpreter/dir/stdin, remote.Command
// create/update/delete/environment/stdin. Each text is read once per resource (a WeakMap cache): several rules ask.

import { at, CANNOT_TELL, isPlainObject, readArray, readString, type CannotTell } from "./read";
import { programName, readShell, SHELLS, type ShellReading } from "./shell";

export const COMMAND_TYPE = "command:local:Command";
export const REMOTE_COMMAND_TYPE = "command:remote:Command";

export function isCommand(type: string): boolean {
    return type === COMMAND_TYPE || type === REMOTE_COMMAND_TYPE;
}

/** The lifecycle texts, in the order the provider may run them. `delete` runs too (on destroy or replace). */
export const COMMAND_FIELDS = ["create", "update", "delete"] as const;

/** The shell texts a Command runs; CANNOT_TELL entries for unreadable ones. */
export function commandTexts(type: string, props: unknown): Array<string | CannotTell> {
    if (!isCommand(type)) return [];
    const texts: Array<string | CannotTell> = [];
    for (const key of COMMAND_FIELDS) {
        const text = readString(at(props, key));
        if (text !== undefined) texts.push(text);
    }
    return texts;
}

export interface CommandScript {
    field: (typeof COMMAND_FIELDS)[number];
    /** The script as the shell would run it, or why it cannot be read. */
    reading: ShellReading | { unreadable: string };
}

/** Why the interpreter is not a POSIX shell the pack reads, or undefined when it is (or is the default). */
function interpreterIssue(type: string, props: unknown): string | undefined {
    if (type !== COMMAND_TYPE) return undefined;
    const interpreter = readArray(at(props, "interpreter"));
    if (interpreter === CANNOT_TELL) return "its interpreter cannot be read";
    if (interpreter === undefined || interpreter.length === 0) return undefined;
    const first = readString(interpreter[0]);
    if (typeof first !== "string") return "its interpreter cannot be read";
    const name = programName(first);
    return SHELLS.has(name) ? undefined : `it runs its text with ${name}, a program the pack does not read`;
}

const cache = new WeakMap<object, CommandScript[]>();

/** Each text a Command runs, read as its shell would run it. */
export function commandScripts(type: string, props: unknown): CommandScript[] {
    if (!isCommand(type) || !isPlainObject(props)) return [];
    const cached = cache.get(props);
    if (cached) return cached;
    const environment = at(props, "environment");
    const env = isPlainObject(environment) ? environment : {};
    const stdinText = readString(at(props, "stdin"));
    const stdin =
        typeof stdinText === "string"
            ? { kind: "text" as const, text: stdinText }
            : stdinText === CANNOT_TELL
              ? { kind: "unknown" as const, why: "the Command's stdin is secret or unknown" }
              : undefined;
    const badInterpreter = interpreterIssue(type, props);
    const scripts: CommandScript[] = [];
    for (const field of COMMAND_FIELDS) {
        const text = readString(at(props, field));
        if (text === undefined) continue;
        if (text === CANNOT_TELL)
            scripts.push({ field, reading: { unreadable: `its ${field} text is secret, unknown or not a string` } });
        else if (badInterpreter) scripts.push({ field, reading: { unreadable: badInterpreter } });
        else {
            const reading = readShell(text, {
                environment: environment === CANNOT_TELL ? undefined : env,
                stdin,
            });
            if (environment === CANNOT_TELL) reading.issues.push("its environment is secret or unknown");
            scripts.push({ field, reading });
        }
    }
    cache.set(props, scripts);
    return scripts;
}
