// Command lines as cobra/spf13-pflag parse them (istioctl, helm, kubectl, gcloud-style `--flag=value` too):
// `--flag value`, `--flag=value`, `-f value`, `-fvalue`, `-f=value`, bundled short booleans (`-yr REV`), `--`
// ends the flags (spf13/pflag flag.go parseArgs, parseLongArg, parseShortArg). A flag the spec does not know
// may take the next word or not (a newer release may have added it): readers parse both ways and compare.

import { hasUnknown, shown, type ShellWord } from "../shell";

export interface FlagSpec {
    /** Long flags that take a value, by every spelling, mapped to one canonical name. */
    values: Record<string, string>;
    /** Long flags without a value (booleans), by every spelling, mapped to one canonical name. */
    booleans?: Record<string, string>;
    /** Shorthand letters, mapped to a canonical name in `values` or `booleans`. */
    shorthands?: Record<string, string>;
}

export interface ParsedLine {
    /** Each flag met, in order: canonical name (unknown ones as written) and its value when it takes one. */
    flags: Array<{ name: string; value?: ShellWord; known: boolean }>;
    positionals: ShellWord[];
    /** A word that could not be placed: an unquoted unknown expansion, or one that may start with "-". */
    unplaceable: string | undefined;
}

const word = (text: string, from: ShellWord): ShellWord => ({ text, splits: from.splits });

/** Parses a command line. `unknownTakesValue`: whether a flag the spec does not know takes the next word. */
export function parseLine(args: ShellWord[], spec: FlagSpec, unknownTakesValue: boolean): ParsedLine {
    const parsed: ParsedLine = { flags: [], positionals: [], unplaceable: undefined };
    const booleans = spec.booleans ?? {};
    const shorthands = spec.shorthands ?? {};
    const isValueFlag = (name: string): boolean => Object.values(spec.values).includes(name);
    for (let i = 0; i < args.length; i++) {
        const arg = args[i];
        // An unquoted unknown expansion becomes any number of words, flags among them: nothing after it can be
        // placed. A quoted one is one word, read as a positional (a name held in a variable).
        if (arg.splits) parsed.unplaceable ??= shown(arg.text);
        const text = arg.text;
        if (text === "--") {
            parsed.positionals.push(...args.slice(i + 1));
            break;
        }
        if (text.startsWith("--") && text.length > 2) {
            const equals = text.indexOf("=");
            const written = equals < 0 ? text : text.slice(0, equals);
            const inline = equals < 0 ? undefined : word(text.slice(equals + 1), arg);
            const valueName = spec.values[written];
            const booleanName = booleans[written];
            if (valueName !== undefined) {
                const value = inline ?? args[++i];
                if (value?.splits) parsed.unplaceable ??= shown(value.text);
                parsed.flags.push({ name: valueName, value, known: true });
            } else if (booleanName !== undefined) {
                parsed.flags.push({ name: booleanName, value: inline, known: true });
            } else {
                const takes =
                    inline === undefined &&
                    unknownTakesValue &&
                    i + 1 < args.length &&
                    !args[i + 1].text.startsWith("-");
                parsed.flags.push({ name: written, value: inline ?? (takes ? args[++i] : undefined), known: false });
            }
        } else if (text.startsWith("-") && text.length > 1 && !/^-\d/.test(text)) {
            for (let j = 1; j < text.length; j++) {
                const name = shorthands[text[j]];
                const last = j === text.length - 1;
                if (name !== undefined && isValueFlag(name)) {
                    const value = last ? args[++i] : word(text.slice(j + 1).replace(/^=/, ""), arg);
                    parsed.flags.push({ name, value, known: true });
                    break;
                }
                if (name !== undefined) {
                    parsed.flags.push({ name, known: true });
                    continue;
                }
                const takes = unknownTakesValue;
                const value = takes ? (last ? args[++i] : word(text.slice(j + 1), arg)) : undefined;
                parsed.flags.push({ name: `-${text[j]}`, value, known: false });
                if (takes) break;
            }
        } else parsed.positionals.push(arg);
    }
    return parsed;
}

/** The values of a flag, in order. */
export function valuesOf(parsed: ParsedLine, name: string): ShellWord[] {
    return parsed.flags.filter((flag) => flag.name === name && flag.value !== undefined).map((flag) => flag.value!);
}

export function hasFlagNamed(parsed: ParsedLine, name: string): boolean {
    return parsed.flags.some((flag) => flag.name === name && flag.value?.text !== "false");
}

/** Whether a word is fully known (no unknown part, no split). */
export function isKnown(value: ShellWord | undefined): value is ShellWord {
    return value !== undefined && !value.splits && !hasUnknown(value.text);
}
