/** Mocha root hooks of the browser tier: the shared Chromium goes away with the run. */
import { closeSharedBrowser } from './panelPage';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeSharedBrowser();
  },
};
