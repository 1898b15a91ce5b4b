/**
 * The local stack names its charts by `mesh.chartPath` under `.e2e/tools` (the two-release upgrade of the testbed
 * also by `mesh.revisions[].chartPath`), which exists only once the end-to-end
 * testbed has built its tools (`npm run e2e`), after `npm test` in CI. The offline preview refuses a chartPath that
 * is no folder (Helm would fail at `pulumi up`), and never reads the charts themselves: a unit test that plans such
 * a stack offline points it at an empty stand-in folder instead when the real one is absent.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { tempDir } from "./tempDir";

const ROOT = path.join(__dirname, "..", "..");

type StackDocument = { config?: Record<string, unknown> };

/** A folder holding empty `base`, `cni` and `istiod` chart folders. */
function standInChartFolder(): string {
    const dir = tempDir("stand-in-charts");
    for (const chart of ["base", "cni", "istiod"]) fs.mkdirSync(path.join(dir, chart));
    return dir;
}

type ChartPaths = { chartPath?: unknown; revisions?: Array<{ chartPath?: unknown }> };

const absent = (chartPath: unknown): boolean =>
    typeof chartPath === "string" && !fs.existsSync(path.resolve(ROOT, chartPath));

/** The stack document with its `nativemesh:mesh.chartPath` (and each `mesh.revisions[].chartPath`, the charts of
 *  the testbed's older Istio release) on a stand-in when the folder it names is absent. */
export function withStandInCharts<T extends StackDocument>(document: T): T {
    const mesh = document.config?.["nativemesh:mesh"] as ChartPaths | undefined;
    if (mesh === undefined) return document;
    if (!absent(mesh.chartPath) && !(mesh.revisions ?? []).some((r) => absent(r.chartPath))) return document;
    const standIn = (chartPath: unknown) => (absent(chartPath) ? { chartPath: standInChartFolder() } : {});
    return {
        ...document,
        config: {
            ...document.config,
            "nativemesh:mesh": {
                ...mesh,
                ...standIn(mesh.chartPath),
                ...(mesh.revisions !== undefined
                    ? { revisions: mesh.revisions.map((r) => ({ ...r, ...standIn(r.chartPath) })) }
                    : {}),
            },
        },
    };
}

/** The preview arguments for a shipped stack: `--stack NAME`, or `--config` of a copy with stand-in charts. */
export function shippedStackArgs(stack: string): string[] {
    const file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`);
    const document = parse(fs.readFileSync(file, "utf8")) as StackDocument;
    const usable = withStandInCharts(document);
    if (usable === document) return ["--stack", stack];
    const copy = path.join(tempDir("stand-in-stack"), `Pulumi.${stack}.yaml`);
    fs.writeFileSync(copy, stringify(usable));
    return ["--config", copy];
}
