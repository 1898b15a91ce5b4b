/**
 * The layout's promises, checked on the source: the policy pack stands alone (`pulumi policy publish` uploads
 * policy/ only), there is no import circle, and the pure rooms import no Pulumi.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const SOURCES = ["index.ts", "components", "policy", "cli"];

function tsFiles(entry: string): string[] {
    const full = path.join(ROOT, entry);
    if (fs.statSync(full).isFile()) return [full];
    return fs
        .readdirSync(full, { withFileTypes: true })
        .flatMap((d) =>
            d.isDirectory()
                ? d.name === "node_modules" || d.name === "dist"
                    ? []
                    : tsFiles(path.join(entry, d.name))
                : d.name.endsWith(".ts") && !d.name.endsWith(".d.ts")
                  ? [path.join(full, d.name)]
                  : [],
        );
}

/** Every module a file imports: [specifier, resolved file or undefined for packages]. */
function importsOf(file: string): Array<[string, string | undefined]> {
    const text = fs.readFileSync(file, "utf8");
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*["']([^"']+)["']/g)].map((m) => m[1]);
    specs.push(...[...text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]));
    return specs.map((spec) => {
        if (!spec.startsWith(".")) return [spec, undefined];
        const base = path.resolve(path.dirname(file), spec);
        const found = [`${base}.ts`, base, path.join(base, "index.ts")].find(
            (f) => fs.existsSync(f) && fs.statSync(f).isFile(),
        );
        return [spec, found ?? base];
    });
}

const files = SOURCES.flatMap(tsFiles);
const rel = (f: string) => path.relative(ROOT, f);

describe("layout", () => {
    it("policy/ imports nothing outside policy/, so the published pack loads on its own", () => {
        const outside: string[] = [];
        for (const file of files.filter((f) => rel(f).startsWith(`policy${path.sep}`))) {
            for (const [spec, target] of importsOf(file)) {
                if (target !== undefined && !rel(target).startsWith(`policy${path.sep}`))
                    outside.push(`${rel(file)} imports ${spec}`);
            }
        }
        assert.deepEqual(outside, []);
    });

    it("the policy pack's facts and the components' renderers and config schema import no Pulumi", () => {
        const pure = files.filter((f) =>
            /^(policy\/facts|components\/render|components\/config\/(config|ackConfig))/.test(rel(f)),
        );
        assert.ok(pure.length >= 8, pure.map(rel).join(" "));
        for (const file of pure) {
            for (const [spec] of importsOf(file))
                assert.doesNotMatch(spec, /^@pulumi\//, `${rel(file)} imports ${spec}`);
        }
    });

    it("has no import circle (type-only imports count)", () => {
        const graph = new Map(
            files.map((f) => [f, importsOf(f).flatMap(([, t]) => (t && files.includes(t) ? [t] : []))]),
        );
        const state = new Map<string, "open" | "done">();
        const circles: string[] = [];
        const visit = (file: string, trail: string[]) => {
            if (state.get(file) === "done") return;
            if (state.get(file) === "open") {
                circles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(" -> "));
                return;
            }
            state.set(file, "open");
            for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
            state.set(file, "done");
        };
        for (const file of files) visit(file, []);
        assert.deepEqual(circles, []);
    });

    it("cites upstream sources, never the team's notes (FACTS.md) or seed documents, which users cannot open", () => {
        const shipped = (entry: string): string[] => {
            const full = path.join(ROOT, entry);
            if (!fs.existsSync(full)) return [];
            if (fs.statSync(full).isFile()) return [full];
            return fs
                .readdirSync(full, { withFileTypes: true })
                .filter((d) => d.name !== "node_modules" && !(entry === "policy" && d.name === "dist"))
                .flatMap((d) => shipped(path.join(entry, d.name)));
        };
        const checked = ["cli", "components", "policy", "index.ts", "README.md", "docs", "stacks"].flatMap(shipped);
        assert.ok(checked.length >= 40, checked.map(rel).join(" "));
        const mentions: string[] = [];
        for (const file of checked) {
            const lines = fs.readFileSync(file, "utf8").split("\n");
            lines.forEach((line, i) => {
                if (/FACTS\.md|\bseeds?\b|field report/i.test(line))
                    mentions.push(`${rel(file)}:${i + 1}: ${line.trim()}`);
            });
        }
        assert.deepEqual(mentions, []);
    });
});
