/** Everything integration tests need from the harness, in one import. */
export { getCluster, type TestCluster } from './cluster';
export { celeryCli, celeryEnv, celeryPython, celeryPythonJson, redisFor, run, runCli, sleep, waitFor, type RunOptions, type RunResult } from './helpers';
export { startCli, type CliSession } from './cliSession';
export { celeryAppDir, cliBundle, python, repoRoot, testRunDir } from './paths';
export { testDbs, testVhost } from './isolation';
export { rabbitCtl } from './hooks';
export { workerLog, workerQueues } from './workers';
