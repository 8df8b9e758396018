/* The translation form, only on Project:Wikitours/i18n/<lang>.json (it checks the action). */
if ( mw.config.get( 'wgNamespaceNumber' ) === 4 && /^Wikitours\/i18n\/[a-z][a-z0-9-]*\.json$/.test( mw.config.get( 'wgTitle' ) ) ) {
	mw.loader.load( 'ext.gadget.wikitours-translate' );
}
