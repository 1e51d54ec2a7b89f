// Placeholder entry for the useapi.net simulator (`npm run sim`).
process.stderr.write('The simulator is being built; not available yet.\n');
process.exitCode = 2;
