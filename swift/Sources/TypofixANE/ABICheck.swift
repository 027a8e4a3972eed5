// Compile-time check of the exported C ABI against the header (module CTypofixANE): each @_cdecl
// function is assigned to a variable of its header prototype's type, so any difference in parameters or
// result fails the build. The ABI version exists once, as TYPOFIX_ANE_ABI_VERSION in the header.
import CTypofixANE

/// The ABI version, from the header.
let abiVersion = Int32(TYPOFIX_ANE_ABI_VERSION)

/// Never called: its body is the check.
func abiCheck() {
    var abi = CTypofixANE.typofix_ane_abi_version
    abi = TypofixANE.typofix_ane_abi_version
    var open = CTypofixANE.typofix_ane_open
    open = TypofixANE.typofix_ane_open
    var info = CTypofixANE.typofix_ane_info_json
    info = TypofixANE.typofix_ane_info_json
    var prefill = CTypofixANE.typofix_ane_prefill
    prefill = TypofixANE.typofix_ane_prefill
    var decode = CTypofixANE.typofix_ane_decode
    decode = TypofixANE.typofix_ane_decode
    var forward = CTypofixANE.typofix_ane_forward
    forward = TypofixANE.typofix_ane_forward
    var truncate = CTypofixANE.typofix_ane_truncate
    truncate = TypofixANE.typofix_ane_truncate
    var reset = CTypofixANE.typofix_ane_reset
    reset = TypofixANE.typofix_ane_reset
    var close = CTypofixANE.typofix_ane_close
    close = TypofixANE.typofix_ane_close
    var lastError = CTypofixANE.typofix_ane_last_error
    lastError = TypofixANE.typofix_ane_last_error
    _ = (abi, open, info, prefill, decode, forward, truncate, reset, close, lastError)
}
