/**
 * Messages for people go to stderr (stdout carries only results), through consola. The level is set
 * explicitly: consola would otherwise hide notices whenever NODE_ENV=test is inherited.
 */
import { createConsola } from "consola";

export const consola = createConsola({ stdout: process.stderr, stderr: process.stderr, level: 3 });
