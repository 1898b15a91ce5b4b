/**
 * Secret config under the real engine: a value set with `pulumi config set --secret --path` reaches the cluster,
 * and never the state in plaintext. A variant of the local stack gets two encrypted values (a Formance annotation,
 * which becomes a Settings object's spec.value, and a Formance operator chart value, which goes to Helm); after
 * `pulumi up` the marker is looked for in every file of the file backend and in `pulumi stack export`. The plain
 * local stack is deployed again at the end, so later specs see it as before.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse, stringify } from "yaml";
import { ROOT, RUN, STATE } from "../lib/env";
import { kubectl, kubectlJson } from "../lib/kubectl";
import { pulumi, pulumiOk } from "../lib/pulumi";
import { expect, LOCAL, Spec } from "../lib/spec";
import { tail } from "./deploy";

/** Pulumi's signature of a secret value in a state file or export. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
/** The Settings object the annotation becomes (components/render/formanceSpec.ts settingObjectName). */
const SETTING = "nativemesh-services-gateway-annotations";

function filesUnder(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((d) => d.isFile())
        .map((d) => path.join(d.parentPath, d.name));
}

/** Every file under the state folder holding `text`, read raw (a gzipped checkpoint unpacked first). */
function stateFilesHolding(text: string): string[] {
    const needle = Buffer.from(text);
    return filesUnder(STATE).filter((file) => {
        const bytes = fs.readFileSync(file);
        return bytes.includes(needle) || (file.endsWith(".gz") && gunzipSync(bytes).includes(needle));
    });
}

export const secretConfig: Spec = {
    name: "secret config: an encrypted value reaches the cluster, and no state file or export holds its plaintext",
    async run() {
        const marker = `nativemesh-e2e-marker-${randomBytes(6).toString("hex")}`;
        // The local stack's file with its encryptionsalt, so the testbed's passphrase encrypts for it.
        const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.local.yaml"), "utf8")) as Record<
            string,
            unknown
        >;
        const file = path.join(RUN, "variants", "secret.yaml");
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, stringify(doc));
        for (const key of [
            'nativemesh:formance.serviceAnnotations.gateway["example.com/token"]',
            "nativemesh:formance.operator.values.nativemeshE2eToken",
        ]) {
            await pulumiOk([
                "config",
                "set",
                "--secret",
                "--path",
                key,
                marker,
                "--config-file",
                file,
                "--stack",
                LOCAL.stack,
            ]);
        }
        const written = fs.readFileSync(file, "utf8");
        expect(!written.includes(marker), `pulumi config set --secret wrote the plaintext into ${file}`);
        expect((written.match(/secure: /g) ?? []).length === 2, `expected two secure: values in ${file}:\n${written}`);

        try {
            // NATIVEMESH_CONFIG_FILE tells the program which file the engine read, so it keeps exactly these two
            // values secret (without it, all of nativemesh:formance would be).
            const up = await pulumi(["up", "--yes", "--stack", LOCAL.stack, "--config-file", file], {
                env: { NATIVEMESH_CONFIG_FILE: file },
            });
            const out = up.stdout + up.stderr;
            expect(up.code === 0, `pulumi up of the secret variant failed:\n${tail(out)}`);
            expect(!out.includes(marker), "pulumi up printed the secret's plaintext");

            // It reached the cluster: the operator reads it there.
            const setting = kubectlJson(["get", "settings.formance.com", SETTING]) as { spec?: { value?: string } };
            expect(
                setting.spec?.value?.includes(marker) === true,
                `the Settings ${SETTING} does not carry the secret value: ${JSON.stringify(setting.spec)}`,
            );

            const holding = stateFilesHolding(marker);
            expect(holding.length === 0, `the plaintext is in state files: ${holding.join(", ")}`);
            const exported = (await pulumiOk(["stack", "export", "--stack", LOCAL.stack])).stdout;
            expect(!exported.includes(marker), "pulumi stack export holds the plaintext");

            // And it is stored as a secret, not merely elsewhere: the Settings' spec.value and the operator's values.
            const resources = (
                JSON.parse(exported) as {
                    deployment: { resources: Array<{ type: string; urn: string; inputs?: Record<string, unknown> }> };
                }
            ).deployment.resources;
            const settingState = resources.find(
                (r) => r.type === "kubernetes:formance.com/v1beta1:Settings" && r.urn.endsWith("gateway-annotations"),
            );
            const value = (settingState?.inputs?.spec as Record<string, unknown> | undefined)?.value;
            expect(
                JSON.stringify(settingState?.inputs ?? {}).includes(SECRET_SIG_KEY),
                `the Settings' inputs are not secret in state: ${JSON.stringify(value)}`,
            );
            const operator = resources.find(
                (r) => r.type === "kubernetes:helm.sh/v3:Release" && r.urn.endsWith("formance-operator"),
            );
            expect(
                JSON.stringify(operator?.inputs?.values ?? {}).includes(SECRET_SIG_KEY),
                "the Formance operator release's values are not secret in state",
            );
        } finally {
            // The plain local stack again, whatever happened above.
            const back = await pulumi(["up", "--yes", "--stack", LOCAL.stack]);
            expect(back.code === 0, `pulumi up of the plain local stack failed:\n${tail(back.stdout + back.stderr)}`);
        }
        const gone = kubectl(["get", "settings.formance.com", SETTING]);
        expect(gone.status !== 0, `${SETTING} is still there after the plain local stack was deployed again`);
    },
};
