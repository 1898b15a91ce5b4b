/**
 * A problem with what the user handed nativemesh (a file, an option, a kubeconfig) as one line: UsageError, exit
 * code 2 in the CLI, no stack trace. Here, below the CLI, because reading a live cluster (components/live/) fails
 * in the same words for `status` and for the update-time guard.
 */
import * as fs from "node:fs";

/** A problem with what the user asked for: printed as one line, exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** The file's text; `what` names it in errors ("state file", "policy config"...). Empty is an error. */
export function readTextFile(file: string, what: string): string {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? "cannot read");
        throw new UsageError(`${file}: cannot read the ${what} (${why})`);
    }
    if (text.trim() === "") throw new UsageError(`${file}: the ${what} is empty`);
    return text;
}
