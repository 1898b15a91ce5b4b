// `npm run mutate [-- [--group NAME] [--report-only] stryker options]`: runs StrykerJS once per group of
// stryker.config.mjs (MUTATE_GROUP=<name>), then reads each group's JSON report and checks its mutation score
// against the group's own threshold (Stryker has only one, global).
// Exit status: 1 when Stryker failed or a group is below its `break`, else 0.
//
//   npm run mutate                                             # every group, every mutant
//   npm run mutate -- --group policy --mutate policy/rule.ts   # one file of a group while raising its tests
//   npm run mutate -- --group policy --incremental             # reuse the last results (reports/mutation/)
//   npm run mutate -- --report-only                            # only re-read the last reports

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { groups } from "../stryker.config.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const args = process.argv.slice(2);
const reportOnly = args.includes("--report-only");
const groupAt = args.indexOf("--group");
const only = groupAt >= 0 ? args[groupAt + 1] : undefined;
const strykerArgs = args.filter((arg, i) => arg !== "--report-only" && i !== groupAt && i !== groupAt + 1);
const chosen = only === undefined ? groups : groups.filter((group) => group.name === only);
if (chosen.length === 0) {
    console.error(`--group ${only}: no such group (${groups.map((group) => group.name).join(", ")})`);
    process.exit(2);
}

let failed = false;
const started = Date.now();
for (const group of chosen) {
    if (reportOnly) break;
    const stryker = path.join(root, "node_modules", ".bin", "stryker");
    const groupStart = Date.now();
    const run = spawnSync(stryker, ["run", "stryker.config.mjs", ...strykerArgs], {
        stdio: "inherit",
        env: { ...process.env, MUTATE_GROUP: group.name },
    });
    console.log(`group ${group.name}: stryker took ${Math.round((Date.now() - groupStart) / 1000)} s`);
    if (run.status !== 0) {
        console.error(`group ${group.name}: stryker exited with ${run.status ?? run.signal}`);
        failed = true;
    }
}
if (!reportOnly) console.log(`all groups: ${Math.round((Date.now() - started) / 1000)} s`);

/** A glob of ours (`dir/**\/*.ts`, `dir/*.ts`, a path) as a regular expression over a relative path. */
function globRegExp(glob) {
    let source = "";
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === "*" && glob[i + 1] === "*") {
            const slash = glob[i + 2] === "/";
            source += slash ? "(?:.*/)?" : ".*";
            i += slash ? 2 : 1;
        } else if (c === "*") source += "[^/]*";
        else if (c === "?") source += "[^/]";
        else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^${source}$`);
}

function inGroup(group, file) {
    const include = group.files.filter((g) => !g.startsWith("!")).map(globRegExp);
    const exclude = group.files.filter((g) => g.startsWith("!")).map((g) => globRegExp(g.slice(1)));
    return include.some((re) => re.test(file)) && !exclude.some((re) => re.test(file));
}

/** Every file under the group's folders that its globs select, to tell a partial run from a whole one. */
function filesOnDisk(group) {
    const dirs = new Set(
        group.files.filter((g) => !g.startsWith("!")).map((g) => g.split(/[*]/)[0].replace(/\/?[^/]*$/, "")),
    );
    const found = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const file = path.posix.join(dir, entry.name);
            if (entry.isDirectory() && entry.name !== "node_modules") walk(file);
            else if (entry.isFile() && inGroup(group, file)) found.push(file);
        }
    };
    for (const dir of dirs) if (fs.existsSync(dir)) walk(dir);
    return found;
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

console.log("\nmutation score per group");
for (const group of chosen) {
    const reportFile = `reports/mutation/${group.name}.json`;
    if (!fs.existsSync(reportFile)) {
        console.log(`  ${group.name.padEnd(10)} no report (${reportFile})`);
        failed = true;
        continue;
    }
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
    const strays = Object.keys(report.files).filter((file) => !inGroup(group, file));
    if (strays.length > 0) {
        console.error(`  ${group.name}: mutated files outside the group: ${strays.join(", ")}`);
        failed = true;
    }
    const files = Object.keys(report.files).filter((file) => inGroup(group, file));
    let detected = 0;
    let undetected = 0;
    for (const file of files)
        for (const mutant of report.files[file].mutants) {
            if (DETECTED.has(mutant.status)) detected++;
            else if (UNDETECTED.has(mutant.status)) undetected++;
        }
    const total = detected + undetected;
    const score = total === 0 ? 100 : (100 * detected) / total;
    const whole = filesOnDisk(group).length;
    const partial = files.length < whole ? ` (only ${files.length} of its ${whole} files)` : "";
    const ok = score >= group.break;
    if (!ok) failed = true;
    console.log(
        `  ${group.name.padEnd(10)} ${score.toFixed(2).padStart(6)}%  ${detected}/${total} detected, ` +
            `${undetected} survived or uncovered; threshold ${group.break}% ${ok ? "met" : "NOT MET"}${partial}  ${reportFile}`,
    );
}
process.exit(failed ? 1 : 0);
