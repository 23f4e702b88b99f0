/** Models that run on Kuaxin ops: an ONNX reader, a WordPiece tokenizer, all-MiniLM-L6-v2 and a small decoder. */
module io.kuaxin.models {
    requires transitive io.kuaxin.runtime;
    requires com.fasterxml.jackson.databind;
    requires com.microsoft.onnxruntime;

    exports io.kuaxin.models.onnx;
    exports io.kuaxin.models.text;
    exports io.kuaxin.models.minilm;
    exports io.kuaxin.models.decoder;
}
