/**
 * The only file access of the LED class driver: read and write one sysfs
 * attribute. Writes never create a file (flag r+), so an attribute the kernel
 * has not made fails with ENOENT as it does in sysfs.
 */
import * as fs from 'node:fs';

export interface SysfsIo {
  read(file: string): string;
  write(file: string, value: string): void;
  exists(file: string): boolean;
}

export const realSysfs: SysfsIo = {
  read: (file) => fs.readFileSync(file, 'utf8'),
  write: (file, value) => fs.writeFileSync(file, value, { flag: 'r+' }),
  exists: (file) => fs.existsSync(file),
};

export const DEFAULT_LEDS_ROOT = '/sys/class/leds';
