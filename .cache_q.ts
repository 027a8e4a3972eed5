import * as ort from "onnxruntime-node";
const s = await ort.InferenceSession.create(process.argv[2]!, { graphOptimizationLevel: "all" });
console.log(s.inputNames.length, s.outputNames.slice(0,3));
