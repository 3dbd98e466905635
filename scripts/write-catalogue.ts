/**
 * Writes the check catalogue into README.md between its markers: `npm run catalogue`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderCatalogue } from '../src/checks/catalogue';

const readmePath = path.join(__dirname, '..', 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const updated = readme.replace(/(<!-- catalogue:start -->\n)[\s\S]*?(<!-- catalogue:end -->)/, `$1${renderCatalogue()}\n$2`);
if (updated === readme && !readme.includes('<!-- catalogue:start -->')) {
  throw new Error('README.md has no <!-- catalogue:start --> / <!-- catalogue:end --> markers');
}
fs.writeFileSync(readmePath, updated);
