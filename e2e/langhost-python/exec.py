# Runs a Pulumi Python program for the testbed's language host (main.go): configures the `pulumi` package's runtime
# settings from the engine's arguments, then runs the program's __main__.py inside its stack, as upstream's
# executor does. Config and secret keys come in PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS, which the SDK reads.
import argparse
import asyncio
import os
import runpy
import sys
import traceback

# Exit code telling the host that the error was reported to the engine already.
REPORTED = 32

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    sys.stderr.write("The Pulumi SDK is not installed in this Python (pip install pulumi).\n")
    sys.exit(1)


def main() -> int:
    ap = argparse.ArgumentParser(description="Run a Pulumi Python program")
    for flag in ("--monitor", "--engine", "--organization", "--project", "--stack", "--root-directory"):
        ap.add_argument(flag, default="")
    ap.add_argument("--parallel", type=int, default=0)
    ap.add_argument("--dry-run", action="store_true")
    ap.add_argument("program")
    args = ap.parse_args()

    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            project=args.project,
            stack=args.stack,
            monitor=args.monitor,
            engine=args.engine,
            parallel=args.parallel,
            dry_run=args.dry_run,
            organization=args.organization or None,
            root_directory=args.root_directory or None,
        )
    )
    program = os.path.abspath(args.program)
    if os.path.isdir(program):
        program = os.path.join(program, "__main__.py")
    sys.path.insert(0, os.path.dirname(program))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
        return 0
    except pulumi.RunError as err:
        pulumi.log.error(str(err))
        return REPORTED
    except Exception:  # noqa: BLE001 - whatever the program raised is reported to the engine
        pulumi.log.error("Program failed with an unhandled exception:\n" + traceback.format_exc())
        return REPORTED
    finally:
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
