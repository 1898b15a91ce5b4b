/** The offline preview (`nativemesh preview --config FILE --json`) of a stack file written from `nativemesh:` keys. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { runPreview } from "../../cli/preview";
import { tempDir } from "./tempDir";

export interface Planned {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** `nativemesh preview --config FILE --json` of a stack file holding these `nativemesh:` keys. */
export async function previewConfig(config: Record<string, unknown>): Promise<Planned[]> {
    const file = path.join(tempDir("hardening"), "Pulumi.minimal.yaml");
    const entries = Object.entries(config).map(([k, v]) => [`nativemesh:${k}`, v]);
    fs.writeFileSync(file, stringify({ config: Object.fromEntries(entries) }));
    let stdout = "";
    let stderr = "";
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } };
    const code = await runPreview(["--config", file, "--json"], io);
    assert.ok(code === 0 || code === 1, stderr);
    return (JSON.parse(stdout) as { resources: Planned[] }).resources;
}

export const ofType = (resources: Planned[], type: string) => resources.filter((r) => r.type === type);
