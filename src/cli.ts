#!/usr/bin/env node
console.log('onramp');
