/* The translation form, only on Project:Wikitours/i18n/<lang>.json (it checks the rest). */
if ( mw.config.get( 'wgNamespaceNumber' ) === 4 && /^Wikitours\/i18n\/[^/]+\.json$/.test( mw.config.get( 'wgTitle' ) ) ) {
	mw.loader.load( 'ext.gadget.wikitours-translate' );
}
