/*
 * Tour data and texts from the answers messages.js asked for (the loader started the requests
 * while the runtime loaded).
 *
 * Texts are shown only through mw.message( key, userName ).parseDom(): MediaWiki's message
 * parser escapes any HTML it does not allow, so markup or script in a tour never runs. Only keys
 * starting with "wikitours-" are accepted from the wiki, so a message page cannot replace any
 * other interface message.
 */
( function ( wt ) {
	'use strict';
	var KEY = /^wikitours-[a-z0-9-]+$/,
		M = wt.messages;

	/**
	 * @return {string[]} The reader's languages, most wanted first, always ending in English
	 */
	function languages() {
		var chain = ( mw.language.getFallbackLanguageChain() || [] ).concat( 'en' );
		return chain.filter( function ( lang, i ) {
			return chain.indexOf( lang ) === i;
		} );
	}

	/**
	 * Merge message objects given most wanted first: later (more wanted) languages win.
	 *
	 * @param {Array} sets Objects of key: text, most wanted first (null for missing pages)
	 * @return {Object} Only keys and texts that are safe to hand to mw.messages
	 */
	function merge( sets ) {
		var out = {};
		sets.slice().reverse().forEach( function ( set ) {
			if ( !set || typeof set !== 'object' || Array.isArray( set ) ) {
				return;
			}
			Object.keys( set ).forEach( function ( key ) {
				if ( KEY.test( key ) && typeof set[ key ] === 'string' && set[ key ].length <= 5000 ) {
					out[ key ] = set[ key ];
				}
			} );
		} );
		return out;
	}

	function parseJson( text ) {
		try {
			return JSON.parse( text );
		} catch ( e ) {
			return null;
		}
	}

	/**
	 * @param {Object} response An action=query&prop=revisions answer with formatversion=2
	 * @param {boolean} [withRevision] Answer {content, revid, timestamp} instead of the content
	 * @return {Function} Title as asked -> page content (or revision), null for a missing page
	 */
	function contents( response, withRevision ) {
		var q = ( response && response.query ) || {},
			byTitle = {},
			asked = {};
		( q.pages || [] ).forEach( function ( page ) {
			var rev = page.revisions && page.revisions[ 0 ],
				slot = rev && rev.slots && rev.slots.main;
			byTitle[ page.title ] = slot && typeof slot.content === 'string' ?
				{ content: slot.content, revid: rev.revid, timestamp: rev.timestamp } : null;
		} );
		( q.normalized || [] ).forEach( function ( n ) {
			asked[ n.from ] = n.to;
		} );
		return function ( title ) {
			var page = byTitle[ asked[ title ] || title ];
			return page ? ( withRevision ? page : page.content ) : null;
		};
	}

	/**
	 * @param {Object|null} tour Parsed tour data
	 * @return {boolean} Whether it has the shape the runtime relies on
	 */
	function validTour( tour ) {
		return !!tour && typeof tour === 'object' && Array.isArray( tour.steps ) &&
			tour.steps.length > 0 && tour.steps.length <= 200 && tour.steps.every( function ( s ) {
			return s && typeof s.id === 'string' && typeof s.title === 'string' &&
					typeof s.text === 'string';
		} );
	}

	/**
	 * The interface messages the texts include with {{int:key}} (the compiler allows only
	 * plain button labels such as savearticle): jqueryMsg shows them only once they are loaded.
	 *
	 * @param {Object} messages Key: text
	 * @return {string[]} Message keys, each once
	 */
	function interfaceKeys( messages ) {
		var keys = [];
		Object.keys( messages ).forEach( function ( k ) {
			var re = /\{\{int:([a-z_]{1,40})\}\}/g, m;
			while ( ( m = re.exec( messages[ k ] ) ) && keys.length < 50 ) {
				if ( keys.indexOf( m[ 1 ] ) === -1 ) {
					keys.push( m[ 1 ] );
				}
			}
		} );
		return keys;
	}

	/**
	 * @param {jQuery.Promise} request From messages.read
	 * @return {jQuery.Promise} The API's answer; rejected with what mw.Api#getErrorMessage reads
	 */
	function answer( request ) {
		return request.then( function ( r ) {
			return r && r.query ? r : $.Deferred().reject( r );
		}, function ( xhr, textStatus ) {
			return $.Deferred().reject( { xhr: xhr, textStatus: textStatus } );
		} );
	}

	/**
	 * Finish loading a tour: register its texts and return its data. A third request is made
	 * only for languages the loader could not know (a fallback chain longer than the language
	 * and its base, a source language outside the reader's chain).
	 *
	 * @param {Object} f What messages.fetch started
	 * @return {jQuery.Promise} Resolves to {tour, config, progress}; tour is null when missing
	 */
	function load( f ) {
		return $.when( answer( f.data ), f.progress && answer( f.progress ) ).then( function ( response, progressAnswer ) {
			var get = contents( response ),
				doc = f.draft ? parseJson( get( M.title( 'drafts', f.id ) ) ) || {} : null,
				tour = doc ? doc.tour : parseJson( get( M.title( 'tours', f.id ) ) ),
				langs = languages(),
				user = mw.config.get( 'wgUserName' ),
				extra = [],
				sets = [];
			tour = validTour( tour ) ? tour : null;
			if ( tour && typeof tour.sourceLanguage === 'string' && /^[a-z0-9-]+$/.test( tour.sourceLanguage ) ) {
				langs.push( tour.sourceLanguage );
			}
			langs.forEach( function ( lang, i ) {
				if ( f.langs.indexOf( lang ) === -1 && langs.indexOf( lang ) === i ) {
					extra.push( M.title( 'messages', 'ui', lang ) );
					if ( !doc ) {
						extra.push( M.title( 'messages', f.id, lang ) );
					}
				}
			} );
			function done( more ) {
				var both = [ get, more ? contents( more ) : get ],
					merged, keys, result;
				langs.forEach( function ( lang ) {
					if ( doc ) { // a draft's texts, in every language, are on its page
						sets.push( doc.messages && typeof doc.messages === 'object' &&
							Object.prototype.hasOwnProperty.call( doc.messages, lang ) ?
							doc.messages[ lang ] : null );
					}
					( doc ? [ 'ui' ] : [ f.id, 'ui' ] ).forEach( function ( group ) {
						both.forEach( function ( g ) {
							sets.push( parseJson( g( M.title( 'messages', group, lang ) ) ) );
						} );
					} );
				} );
				merged = merge( sets );
				keys = interfaceKeys( merged );
				result = {
					tour: tour,
					config: parseJson( get( M.title( 'config' ) ) ),
					progress: user ? parseJson( contents( progressAnswer )( M.title( 'progress', user ) ) ) : null
				};
				mw.messages.set( merged );
				// A label that cannot be loaded shows as ⧼key⧽; the tour still starts.
				return keys.length ? new mw.Api().loadMessagesIfMissing( keys ).then( function () {
					return result;
				}, function () {
					return result;
				} ) : result;
			}
			return extra.length ? answer( M.read( extra, true ) ).then( done, function () {
				return done( null );
			} ) : done( null );
		} );
	}

	/**
	 * @param {string} key
	 * @param {...*} params
	 * @return {jQuery} The message parsed by MediaWiki's safe parser, with $1 = user name
	 */
	function dom( key ) {
		var params = Array.prototype.slice.call( arguments, 1 );
		if ( !params.length ) {
			params = [ mw.user.getName() || '' ];
		}
		return mw.message.apply( mw, [ key ].concat( params ) ).parseDom();
	}

	/**
	 * @param {...*} keyAndParams
	 * @return {string} Plain text, for attributes and button labels
	 */
	function plain() {
		return mw.message.apply( mw, arguments ).text();
	}

	wt.texts = {
		languages: languages,
		merge: merge,
		interfaceKeys: interfaceKeys,
		contents: contents,
		answer: answer,
		validTour: validTour,
		load: load,
		dom: dom,
		text: plain
	};
}( mw.libs.wikitours ) );
