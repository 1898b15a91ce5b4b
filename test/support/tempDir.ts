import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Folders made by `tempDir` in this process, removed when it exits. */
const made = new Set<string>();

/**
 * A private scratch folder `<os.tmpdir()>/nativemesh-<purpose>-XXXXXX`, removed with everything in it when the
 * process exits (however mocha ends: pass, fail or `--bail`). For folders a spec makes while mocha loads it or
 * inside a test, where an `after` hook would be easy to forget; a process killed by a signal it cannot catch
 * (SIGKILL) still leaves its folders behind.
 */
export function tempDir(purpose: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nativemesh-${purpose}-`));
    made.add(dir);
    return dir;
}

function removeAll(): void {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
    made.clear();
}

process.once("exit", removeAll);
