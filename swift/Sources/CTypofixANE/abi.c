/*
 * The C target that carries typofix_ane.h into Swift (module CTypofixANE): TypofixANE imports it, takes
 * TYPOFIX_ANE_ABI_VERSION from it, and checks each exported @_cdecl function's type against the header's
 * prototype at compile time (swift/Sources/TypofixANE/ABICheck.swift). This file only makes the target a
 * C target; it defines nothing.
 */
#include "typofix_ane.h"
