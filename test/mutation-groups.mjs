// `npm run mutate [-- stryker options]`: runs StrykerJS with stryker.config.mjs, then reads its JSON report and
// checks each group's mutation score against the group's own threshold (Stryker has only one, global).
// Exit status: Stryker's when it failed, else 1 when a group is below its `break`, else 0.
//
//   npm run mutate                                    # everything (incremental: reuses reports/mutation/)
//   npm run mutate -- --mutate policy/rule.ts         # one file while raising its tests
//   npm run mutate -- --force                         # ignore the incremental file, test every mutant
//   node test/mutation-groups.mjs --report-only       # only re-read the last report

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import config, { groups } from "../stryker.config.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

const args = process.argv.slice(2);
let strykerStatus = 0;
if (!args.includes("--report-only")) {
    const stryker = path.join(root, "node_modules", ".bin", "stryker");
    const run = spawnSync(stryker, ["run", "stryker.config.mjs", ...args], { stdio: "inherit" });
    strykerStatus = run.status ?? 1;
    if (strykerStatus !== 0) {
        console.error(`stryker exited with ${run.status ?? run.signal}`);
        process.exit(strykerStatus);
    }
}

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

const reportFile = config.jsonReporter.fileName;
const report = JSON.parse(fs.readFileSync(reportFile, "utf8"));
const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);

let failed = false;
const unassigned = Object.keys(report.files).filter((file) => !groups.some((group) => inGroup(group, file)));
if (unassigned.length > 0) {
    console.error(`mutated files in no group: ${unassigned.join(", ")}`);
    failed = true;
}

console.log(`\nmutation score per group (${reportFile})`);
for (const group of groups) {
    const files = Object.keys(report.files).filter((file) => inGroup(group, file));
    if (files.length === 0) {
        console.log(`  ${group.name.padEnd(8)} not mutated in this run`);
        continue;
    }
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
    const partial = files.length < whole ? ` (${files.length} of its ${whole} files)` : "";
    const ok = score >= group.break;
    if (!ok) failed = true;
    console.log(
        `  ${group.name.padEnd(8)} ${score.toFixed(2).padStart(6)}%  ${detected}/${total} detected, ` +
            `${undetected} survived or uncovered; threshold ${group.break}% ${ok ? "met" : "NOT MET"}${partial}`,
    );
}
process.exit(failed ? 1 : 0);
