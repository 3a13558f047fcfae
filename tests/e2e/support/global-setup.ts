/** Runs once before the browser tests: says up front which tests will be skipped, and why. */
import { HAS_CCP, NO_CCP_REASON } from './data';

export default function globalSetup(): void {
  if (!HAS_CCP) console.log(`Skipping the real-photo tests: ${NO_CCP_REASON}.`);
}
