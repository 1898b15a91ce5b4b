/** The policy pack under the real engine, and `audit` over what the real engine wrote. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { ROOT, RUN } from "../lib/env";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, Spec } from "../lib/spec";
import { tail } from "./deploy";

/** The local stack's config file with a change, as a file for `--config-file`. */
function variant(name: string, change: (config: Record<string, unknown>) => void): string {
    const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as {
        config: Record<string, unknown>;
    };
    change(doc.config);
    const file = path.join(RUN, "variants", `${name}.yaml`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, stringify(doc));
    return file;
}

const nativeOff = () =>
    variant("native-off", (c) => {
        (c["nativemesh:mesh"] as Record<string, unknown>).nativeSidecars = false;
    });

function audit(stateFile: string): { status: number; stdout: string; stderr: string } {
    const res = spawnSync("node", ["cli/nativemesh.js", "audit", "--state", stateFile, "--json"], {
        cwd: ROOT,
        encoding: "utf8",
    });
    return { status: res.status ?? 1, stdout: res.stdout, stderr: res.stderr };
}

function mandatoryPolicies(auditJson: string): string[] {
    const report = JSON.parse(auditJson) as { violations: Array<{ policy: string; enforcementLevel: string }> };
    return report.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy);
}

/** `pulumi preview` of the local stack with a variant's config and a policy pack. */
function previewWithPack(configFile: string, pack: string, extra: string[] = []) {
    return pulumi(["preview", "--stack", LOCAL.stack, "--config-file", configFile, "--policy-pack", pack, ...extra]);
}

export const packUnderEngine: Spec = {
    name: "the policy pack under the real engine: native sidecars off is refused naming the policy; advisory config lets it through",
    async run() {
        const file = nativeOff();
        const refused = await previewWithPack(file, "policy");
        const out = refused.stdout + refused.stderr;
        expect(refused.code !== 0, `preview with native sidecars off passed the pack:\n${tail(out)}`);
        expect(/native-sidecars-enabled/.test(out), `the refusal does not name native-sidecars-enabled:\n${tail(out)}`);
        expect(/mandatory/i.test(out), "the violation is mandatory");
        const configFile = path.join(RUN, "variants", "advisory.json");
        fs.writeFileSync(configFile, JSON.stringify({ "native-sidecars-enabled": "advisory" }));
        const allowed = await previewWithPack(file, "policy", ["--policy-pack-config", configFile]);
        expect(
            allowed.code === 0,
            `advisory native-sidecars-enabled still blocks:\n${tail(allowed.stdout + allowed.stderr)}`,
        );
        expect(/native-sidecars-enabled/.test(allowed.stdout + allowed.stderr), "the advisory finding is still shown");
    },
};

export const auditAgrees: Spec = {
    name: "audit on real engine output agrees with the engine: the deployed export passes, a native-off preview is refused",
    async run() {
        const exportFile = path.join(RUN, "local-export.json");
        fs.writeFileSync(exportFile, (await pulumiOk(["stack", "export", "--stack", LOCAL.stack])).stdout);
        const clean = audit(exportFile);
        expect(
            clean.status === 0,
            `audit of the deployed local stack exit ${clean.status}: ${clean.stdout}${clean.stderr}`,
        );
        expect(mandatoryPolicies(clean.stdout).length === 0, "no mandatory finding on the deployed stack");

        const previewFile = path.join(RUN, "native-off-preview.json");
        const preview = await pulumi(["preview", "--json", "--stack", LOCAL.stack, "--config-file", nativeOff()]);
        expect(preview.code === 0, `pulumi preview --json failed:\n${tail(preview.stderr)}`);
        fs.writeFileSync(previewFile, preview.stdout);
        const refused = audit(previewFile);
        expect(refused.status === 1, `audit of the native-off preview exit ${refused.status}: ${refused.stderr}`);
        const policies = mandatoryPolicies(refused.stdout);
        expect(policies.includes("native-sidecars-enabled"), `audit's mandatory policies: ${policies.join(", ")}`);
    },
};

export const packedPack: Spec = {
    name: "the pack as published: `npm pack` of policy/, unpacked and installed alone, loads under the real engine",
    async run() {
        const dir = path.join(RUN, "packed-policy");
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        const packed = spawnSync("npm", ["pack", "--silent", "--pack-destination", dir], {
            cwd: path.join(ROOT, "policy"),
            encoding: "utf8",
        });
        expect(packed.status === 0, `npm pack of policy/ failed: ${packed.stderr}`);
        const tarball = path.join(dir, packed.stdout.trim().split("\n").pop() ?? "");
        const untar = spawnSync("tar", ["xzf", tarball, "-C", dir], { encoding: "utf8" });
        expect(untar.status === 0, untar.stderr);
        const pack = path.join(dir, "package");
        const shipped = fs.readdirSync(pack).sort();
        expect(!shipped.some((f) => f.endsWith(".ts")), `the tarball ships TypeScript: ${shipped.join(" ")}`);
        expect(shipped.includes("npm-shrinkwrap.json"), "the tarball carries its lock file");
        // Its own dependencies, exactly as locked (npm's cache already holds them after the root npm ci).
        const install = spawnSync("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
            cwd: pack,
            encoding: "utf8",
        });
        expect(install.status === 0, `npm ci in the unpacked pack failed: ${install.stderr}`);
        const ok = await pulumi(["preview", "--stack", LOCAL.stack, "--policy-pack", pack]);
        const okOut = ok.stdout + ok.stderr;
        expect(ok.code === 0, `the unpacked pack did not load or refused the local stack:\n${tail(okOut)}`);
        expect(/nativemesh@v[\d.]+/.test(okOut), "the engine lists the unpacked pack");
        const refused = await previewWithPack(nativeOff(), pack);
        expect(
            refused.code !== 0 && /native-sidecars-enabled/.test(refused.stdout + refused.stderr),
            "the unpacked pack refuses native sidecars off",
        );
    },
};
