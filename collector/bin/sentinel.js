#!/usr/bin/env node
// The `sentinel` CLI runs the compiled collector; `npm run build` produces dist/.
import '../dist/cli/main.js'
