/**
 * Loading native add-ons. In development onnxruntime-node is imported from node_modules. (A compiled
 * single binary would embed the add-on and its shared library and load them from a versioned cache
 * folder; that is the build's job, issue 7.) The platform check gives a clear message where onnxruntime
 * has no build (darwin-x64).
 */
export async function loadOrt(): Promise<typeof import("onnxruntime-node")> {
  if (process.platform === "darwin" && process.arch === "x64") throw new Error("onnxruntime has no build for macOS on Intel; use the lexicon engine");
  try {
    return await import("onnxruntime-node");
  } catch (err) {
    throw new Error(`onnxruntime-node could not be loaded (${(err as Error).message.split("\n")[0]})`);
  }
}

/**
 * The Swift ANE library embedded in a compiled binary, extracted once to a versioned cache folder.
 * Development builds embed none (the engine then looks at TYPOFIX_ANE_DYLIB and swift/.build).
 */
export async function embeddedAneDylib(): Promise<string | null> {
  return null;
}
