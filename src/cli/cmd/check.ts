/**
 * `halb check -f FILE` and `keepalived -t`: every diagnostic as file:line:col,
 * exit 0 when valid. With keepalived's exit codes: 0 ok, 4 cannot run, 5 errors.
 */
import * as fs from 'node:fs';
import { formatDiagnostic, hasErrors } from '../../config/diagnostics';
import { loadConfig, localHostFacts } from '../../config/load';
import { lvsConfig } from '../../config/lvs-config';
import { vrrpConfig } from '../../config/vrrp-config';
import type { Command } from '../commands';

export function checkCommand(
  cmd: Extract<Command, { kind: 'check' }>,
  err: (s: string) => void,
  out: (s: string) => void,
): number {
  const loaded = loadConfig(cmd.configFile, {
    allConfig: cmd.configMustExist,
    host: localHostFacts(),
  });
  if (loaded.missing && !cmd.configMustExist && cmd.keepalivedExitCodes) {
    err(`Config files missing '${cmd.configFile}'`);
    return 0;
  }
  const lines = loaded.diagnostics.map(formatDiagnostic);
  if (cmd.logFile) fs.writeFileSync(cmd.logFile, lines.map((l) => l + '\n').join(''));
  else lines.forEach(err);
  if (cmd.json && !hasErrors(loaded.diagnostics)) {
    // model: what the files say, typed; effective: what the engines will run, defaults and inheritance applied.
    const effective = { vrrp: vrrpConfig(loaded.model), lvs: lvsConfig(loaded.model) };
    out(
      JSON.stringify(
        { file: loaded.file, files: loaded.files, model: loaded.model, effective },
        null,
        2,
      ),
    );
  }
  if (loaded.missing) return 4;
  if (hasErrors(loaded.diagnostics)) return cmd.keepalivedExitCodes ? 5 : 1;
  return 0;
}
