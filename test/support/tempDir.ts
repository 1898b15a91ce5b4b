import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Folders made while a test runs, removed when it ends; undefined between tests. */
let madeInTest: string[] | undefined;
/** Folders made while mocha loads the specs (or outside mocha), removed when the process exits. */
const madeAtLoad = new Set<string>();

const remove = (dir: string) => fs.rmSync(dir, { recursive: true, force: true });

/**
 * A private scratch folder `<os.tmpdir()>/nativemesh-<purpose>-XXXXXX`, removed with everything in it when the
 * test that made it ends (pass or fail), or, when made while mocha loads the specs, when the process exits. Test
 * runners that reuse their process and kill it without an exit (StrykerJS does) leave nothing behind for folders
 * made inside tests; make folders there, not at the top of a spec.
 */
export function tempDir(purpose: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nativemesh-${purpose}-`));
    if (madeInTest !== undefined) madeInTest.push(dir);
    else madeAtLoad.add(dir);
    return dir;
}

// Root hooks: this module is loaded while mocha loads the specs, so these run around every test of the run.
// Outside mocha (a plain `node` process) there are none, and every folder waits for the exit.
if (typeof beforeEach === "function" && typeof afterEach === "function") {
    beforeEach(() => {
        madeInTest = [];
    });
    afterEach(() => {
        for (const dir of madeInTest ?? []) remove(dir);
        madeInTest = undefined;
    });
}

process.once("exit", () => madeAtLoad.forEach(remove));
