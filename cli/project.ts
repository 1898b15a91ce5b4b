/**
 * The Pulumi project `nativemesh preview` works on: the nearest `Pulumi.yaml` from where it is run (or `--cwd`),
 * found as the Pulumi CLI finds it (pulumi/pulumi sdk/go/common/workspace/paths.go DetectProjectPathFrom: the
 * folder, then each parent), with its `name`, `main` and `stackConfigDir` (Pulumi "Pulumi project file
 * reference": https://www.pulumi.com/docs/iac/concepts/projects/project-file/). The package's own stacks are
 * examples: `--example NAME` runs the package's program on `stacks/Pulumi.<NAME>.yaml`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { UsageError } from "./inputFiles";

/** The package's root (cli/*.ts and the dist/ bundles sit one level below it). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..");
/** The package's example stacks. */
export const EXAMPLE_STACKS_DIR = path.join(PACKAGE_ROOT, "stacks");

/** The package's program: the compiled twin next to the CLI bundle (dist/program.js, see cli/build.js), else
 *  index.ts itself (under tsx: tests and development). */
export const PACKAGE_PROGRAM = [path.join(__dirname, "program.js"), path.join(PACKAGE_ROOT, "index.ts")].find((file) =>
    fs.existsSync(file),
)!;

/** The names Pulumi looks for, in its order (workspace.ProjectFileName with its extensions). */
const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

export interface PulumiProject {
    /** The project folder (where Pulumi.yaml is). */
    dir: string;
    /** Its Pulumi.yaml. */
    file: string;
    /** `name`: the project part of every URN. */
    name: string;
    /** `main`, resolved: the program's file. */
    program: string;
    /** `stackConfigDir`, resolved (the project folder when not set). */
    stackConfigDir: string;
    /** The package's own project (this checkout or the installed copy): its program is the prebuilt bundle. */
    isPackage: boolean;
}

const realpath = (file: string) => {
    try {
        return fs.realpathSync(file);
    } catch {
        return path.resolve(file);
    }
};

/** The nearest project file from `start` upwards, or undefined. */
export function findProjectFile(start: string): string | undefined {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        for (const name of PROJECT_FILES) {
            const file = path.join(dir, name);
            if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
        }
        if (path.dirname(dir) === dir) return undefined;
    }
}

/** Reads a Pulumi.yaml; every problem is one line naming the file and the key. */
export function readProject(file: string): PulumiProject {
    let doc: unknown;
    try {
        doc = parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(
            `${file}: not a readable Pulumi project file (${(error as Error).message.split("\n")[0]})`,
        );
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
        throw new UsageError(`${file}: a Pulumi project file is a mapping with name, runtime and main`);
    }
    const project = doc as Record<string, unknown>;
    const dir = path.dirname(file);
    if (typeof project.name !== "string" || project.name === "") {
        throw new UsageError(`${file}: 'name' must be the project's name`);
    }
    const runtime =
        typeof project.runtime === "object" ? (project.runtime as { name?: unknown })?.name : project.runtime;
    if (runtime !== "nodejs") {
        throw new UsageError(
            `${file}: runtime ${JSON.stringify(runtime ?? null)}: nativemesh preview runs Node.js programs (runtime: nodejs); ` +
                "for another language, preview with `pulumi preview` and check the result with `nativemesh audit`",
        );
    }
    for (const key of ["main", "stackConfigDir"]) {
        if (project[key] !== undefined && typeof project[key] !== "string") {
            throw new UsageError(`${file}: '${key}' must be a path relative to the project folder`);
        }
    }
    const isPackage = realpath(dir) === realpath(PACKAGE_ROOT);
    return {
        dir,
        file,
        name: project.name,
        program: isPackage ? PACKAGE_PROGRAM : programFile(file, path.resolve(dir, (project.main as string) ?? ".")),
        stackConfigDir: path.resolve(dir, (project.stackConfigDir as string | undefined) ?? "."),
        isPackage,
    };
}

/**
 * The program's file, as the Node.js language host resolves `main` (pulumi/pulumi sdk/nodejs/cmd/run/run.ts): a
 * file as it is; a folder by its package.json (`exports["."]`, then `main`), else its index.ts or index.js.
 */
function programFile(projectFile: string, main: string): string {
    const candidates = (base: string) => [
        base,
        `${base}.ts`,
        `${base}.js`,
        path.join(base, "index.ts"),
        path.join(base, "index.js"),
    ];
    let stat: fs.Stats | undefined;
    try {
        stat = fs.statSync(main);
    } catch {
        stat = undefined;
    }
    if (stat?.isDirectory()) {
        const entry = packageEntry(main);
        const found = [
            ...(entry !== undefined ? candidates(path.resolve(main, entry)) : []),
            ...candidates(main).slice(3),
        ];
        const file = found.find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
        if (file !== undefined) return file;
    } else {
        const file = candidates(main).find((f) => fs.existsSync(f) && fs.statSync(f).isFile());
        if (file !== undefined) return file;
    }
    throw new UsageError(
        `${projectFile}: main: no program at ${main} (a file, or a folder with index.ts, index.js or a package.json "main")`,
    );
}

function packageEntry(dir: string): string | undefined {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
            main?: unknown;
            exports?: unknown;
        };
        const exported = pkg.exports;
        if (typeof exported === "string") return exported;
        const dot =
            exported !== null && typeof exported === "object" ? (exported as Record<string, unknown>)["."] : undefined;
        if (typeof dot === "string") return dot;
        if (dot !== null && typeof dot === "object") {
            const d = dot as Record<string, unknown>;
            const pick = d.default ?? d.require ?? d.import;
            if (typeof pick === "string") return pick;
        }
        return typeof pkg.main === "string" ? pkg.main : undefined;
    } catch {
        return undefined;
    }
}

/** The project `preview` works on: the nearest Pulumi.yaml from `from` upwards. */
export function findProject(from: string): PulumiProject {
    const file = findProjectFile(from);
    if (file === undefined) {
        throw new UsageError(
            `no Pulumi project (Pulumi.yaml) in ${from} or above: run in your project's folder, give --cwd DIR, ` +
                "or --example NAME for one of nativemesh's example stacks",
        );
    }
    return readProject(file);
}

/** The package's own project, for `--example`. */
export function packageProject(): PulumiProject {
    return { ...readProject(path.join(PACKAGE_ROOT, "Pulumi.yaml")), stackConfigDir: EXAMPLE_STACKS_DIR };
}

/** Stack names that have a `Pulumi.<stack>.yaml` in the folder. */
export function stacksIn(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}
