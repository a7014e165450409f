// WebRTC tests (tests/integration/hub/*.webrtc.ts, a name the default config does not pick up): real data channels between processes' stacks need a non-loopback interface, so
// these run only inside scripts/netns-run:  scripts/netns-run npx vitest run -c vitest.webrtc.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/integration/hub/**/*.webrtc.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
