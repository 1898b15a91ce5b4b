/**
 * Config accepted with a warning (components/config/warnings.ts): a GKE control plane open to every address. The
 * warning is one line naming the key; the offline preview prints it once on stderr and still exits 0, and the
 * program logs it with pulumi.log.warn (what `pulumi preview`/`up` show).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { planStack } from "../../../cli/engine";
import { runPreview } from "../../../cli/preview";
import { validateConfig } from "../../../components/config/config";
import { configWarnings, isWholeInternet } from "../../../components/config/warnings";
import { GKE_SECTION } from "../../support/configFixtures";
import { tempDir } from "../../support/tempDir";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const OPEN =
    /^nativemesh:gke\.authorizedNetworks\[1\]\.cidrBlock: 0\.0\.0\.0\/0 lets every address on the Internet reach the control plane's public endpoint .*set gke\.privateEndpoint: true$/;

const gke = (cidrs: string[]) =>
    validateConfig({
        cloud: "gke",
        gke: { ...structuredClone(GKE_SECTION), authorizedNetworks: cidrs.map((cidrBlock) => ({ cidrBlock })) },
        mesh: { method: "helm", version: "1.28.1" },
    });

describe("config warnings: a control plane open to the whole Internet", () => {
    const rows: Array<[string, boolean]> = [
        ["0.0.0.0/0", true],
        ["::/0", true],
        ["10.0.0.0/00", true],
        ["203.0.113.0/24", false],
        ["0.0.0.0/1", false],
        ["0.0.0.0/10", false],
        ["::/128", false],
    ];
    for (const [cidr, open] of rows) {
        it(`${cidr}: ${open ? "every address" : "a range"}`, () => assert.equal(isWholeInternet(cidr), open));
    }

    it("0.0.0.0/0 among authorized networks is accepted with one warning naming its key", () => {
        const warnings = configWarnings(gke(["203.0.113.0/24", "0.0.0.0/0"]));
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], OPEN);
        assert.deepEqual(configWarnings(gke(["203.0.113.0/24"])), []);
    });

    it("the offline preview prints it once on stderr and exits 0; the program logs it with pulumi.log.warn", async () => {
        const doc = parse(fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.dev.yaml"), "utf8")) as {
            config: Record<string, Record<string, unknown>>;
        };
        doc.config["nativemesh:gke"].authorizedNetworks = [{ cidrBlock: "203.0.113.0/24" }, { cidrBlock: "0.0.0.0/0" }];
        const file = path.join(tempDir("warnings"), "Pulumi.open.yaml");
        fs.writeFileSync(file, stringify(doc));
        let stderr = "";
        const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) } };
        const warned: string[] = [];
        const warn = console.warn;
        console.warn = (...args: unknown[]) => {
            warned.push(args.join(" "));
        };
        try {
            assert.equal(await runPreview(["--config", file], io), 0);
            const lines = stderr.split("\n").filter((l) => l.startsWith("warning: "));
            assert.equal(lines.length, 1, stderr);
            assert.match(lines[0].slice("warning: ".length), OPEN);
            // The preview does not print the program's own log of it a second time.
            assert.equal(warned.length, 0, warned.join("\n"));
            // The program (MeshEnvironment) logs it: under the SDK's mocks pulumi.log.warn prints with console.warn.
            await planStack("open", Object.fromEntries(Object.entries(doc.config)));
        } finally {
            console.warn = warn;
        }
        const logged = warned.filter((w) => w.startsWith("warning: [runtime] "));
        assert.equal(logged.length, 1, warned.join("\n"));
        assert.match(logged[0].slice("warning: [runtime] ".length), OPEN);
    });
});
