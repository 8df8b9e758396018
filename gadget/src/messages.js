/*
 * Which wiki pages the gadget reads, and reading them. This module is part of the loader page,
 * so that a starting tour asks for its data at the same time as for the runtime's code instead
 * of after it; it runs on every page view, so it stays small (texts.js does the rest).
 *
 * Tour data and texts are read with cacheable GET requests (maxage, smaxage): the next page of
 * a multi-page tour, or the same tour again, reads them from the browser's cache. The reader's
 * own progress page is read in its own request, never cached.
 */
( function ( wt ) {
	'use strict';
	/**
	 * Every wiki page the gadget reads or writes is named here and nowhere else (a published
	 * version's segment goes in this one function).
	 *
	 * @param {string} kind tours or messages (with a name); config (the site's settings),
	 *  tours (the index) or sources (the translation form's) without one; or progress
	 * @param {string} [name] Tour id, message group (a tour id or "ui") or user name
	 * @param {string} [lang]
	 * @return {string}
	 */
	function title( kind, name, lang ) {
		return kind === 'progress' ? 'User:' + name + '/wikitours.json' : 'MediaWiki:' + ( name ?
			'Wikitours/' + kind + '/' + name + ( lang ? '/' + lang : '' ) : 'Gadget-wikitours-' + kind ) + '.json';
	}

	/**
	 * @param {string[]} titles
	 * @param {boolean} [cache] Whether browsers and caches may keep the answer (five minutes)
	 * @return {jQuery.Promise} The request (texts.answer reads it)
	 */
	function read( titles, cache ) {
		return $.getJSON( mw.config.get( 'wgScriptPath' ) + '/api.php', { action: 'query',
			format: 'json', formatversion: 2, prop: 'revisions', rvprop: 'content', rvslots: 'main',
			titles: titles.join( '|' ), maxage: cache ? 300 : 0, smaxage: cache ? 300 : 0 } );
	}

	/**
	 * Start reading what a tour needs: its data, the site's settings, the texts of the reader's
	 * languages and, when logged in, their progress page (not cached).
	 *
	 * The languages are those known before the runtime (and mediawiki.language) is there: the
	 * reader's, its base ("pt" for "pt-br") and English. texts.js reads the rest of a longer
	 * fallback chain, if any, once it has.
	 *
	 * @param {string} id Tour id
	 * @return {Object} {id, langs, data, progress}: the last two are requests (progress null when
	 *  anonymous)
	 */
	function fetch( id ) {
		var lang = mw.config.get( 'wgUserLanguage' ),
			langs = [ lang, lang.split( '-' )[ 0 ], 'en' ],
			user = mw.config.get( 'wgUserName' ),
			titles = [ title( 'tours', id ), title( 'config' ) ];
		langs.forEach( function ( code ) {
			titles.push( title( 'messages', id, code ), title( 'messages', 'ui', code ) );
		} );
		return {
			id: id,
			langs: langs,
			data: read( titles, true ),
			progress: user && read( [ title( 'progress', user ) ] )
		};
	}

	wt.messages = { title: title, read: read, fetch: fetch };
}( mw.libs.wikitours ) );
